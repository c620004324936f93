using System.Net;
using Lumenfall.Sdk.Tests.TestSupport;

namespace Lumenfall.Sdk.Tests.Transports.Lumenfall;

/// <summary>Every documented Lumenfall error becomes its typed exception, carrying what the service said and never the key.</summary>
public class LumenfallErrorTests
{
    private const string Generations = ServiceHarness.LumenfallBase + "/images/generations";

    public static TheoryData<HttpStatusCode, string, Type, string?> Errors => new()
    {
        { HttpStatusCode.BadRequest, """{"error":{"message":"size must be WxH","type":"invalid_request_error","code":"INVALID_REQUEST","param":"size"}}""", typeof(LumenfallBadRequestException), "INVALID_REQUEST" },
        { HttpStatusCode.Unauthorized, """{"error":{"message":"Invalid API key","type":"authentication_error","code":"AUTHENTICATION_FAILED"}}""", typeof(LumenfallAuthenticationException), "AUTHENTICATION_FAILED" },
        { HttpStatusCode.PaymentRequired, """{"error":{"message":"Balance too low","type":"insufficient_quota","code":"INSUFFICIENT_BALANCE"}}""", typeof(LumenfallInsufficientBalanceException), "INSUFFICIENT_BALANCE" },
        { HttpStatusCode.PaymentRequired, """{"error":{"message":"Balance too low","type":"billing_error","code":"INSUFFICIENT_BALANCE"}}""", typeof(LumenfallInsufficientBalanceException), "INSUFFICIENT_BALANCE" },
        { HttpStatusCode.NotFound, """{"error":{"message":"Model 'x' not found","type":"invalid_request_error","code":"MODEL_NOT_FOUND"}}""", typeof(LumenfallNotFoundException), "MODEL_NOT_FOUND" },
        { HttpStatusCode.NotFound, """{"error":{"message":"Model is disabled","code":"MODEL_DISABLED"}}""", typeof(LumenfallNotFoundException), "MODEL_DISABLED" },
        { HttpStatusCode.TooManyRequests, """{"error":{"message":"Slow down","code":"RATE_LIMITED"}}""", typeof(LumenfallRateLimitException), "RATE_LIMITED" },
        { HttpStatusCode.BadRequest, """{"error":{"message":"Prompt rejected by safety system","type":"content_policy","code":"CONTENT_POLICY_VIOLATION"}}""", typeof(LumenfallContentPolicyException), "CONTENT_POLICY_VIOLATION" },
        { HttpStatusCode.BadRequest, """{"error":{"message":"Your request was rejected","type":"image_generation_user_error","code":"moderation_blocked"}}""", typeof(LumenfallContentPolicyException), "moderation_blocked" },
        { HttpStatusCode.BadGateway, """{"error":{"message":"All providers failed","code":"ALL_PROVIDERS_EXHAUSTED"}}""", typeof(LumenfallUpstreamException), "ALL_PROVIDERS_EXHAUSTED" },
        { HttpStatusCode.ServiceUnavailable, """{"error":{"message":"Provider returned 503","code":"UPSTREAM_ERROR"}}""", typeof(LumenfallUpstreamException), "UPSTREAM_ERROR" },
        { HttpStatusCode.BadRequest, """{"error":{"message":"Bad thing","error_code":"CONTENT_POLICY_VIOLATION"}}""", typeof(LumenfallContentPolicyException), "CONTENT_POLICY_VIOLATION" },
        { HttpStatusCode.PaymentRequired, """{"error_code":"INSUFFICIENT_BALANCE","message":"Top up"}""", typeof(LumenfallInsufficientBalanceException), "INSUFFICIENT_BALANCE" },
        { HttpStatusCode.InternalServerError, "<html>oops</html>", typeof(LumenfallUpstreamException), null },
        { HttpStatusCode.Conflict, """{"error":{"message":"Conflict"}}""", typeof(LumenfallException), null },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public async Task Each_error_row_becomes_its_typed_exception(HttpStatusCode status, string body, Type expected, string? code)
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Generations, body, status, ("X-Lumenfall-Request-Id", "req_err"));

        LumenfallException error = (await FluentActions.Awaiting(() => harness.Client.GenerateAsync(new Flux2DevGenerationRequest("x")))
            .Should().ThrowAsync<LumenfallException>()).Which;

        error.Should().BeOfType(expected);
        error.StatusCode.Should().Be(status);
        error.ErrorCode.Should().Be(code);
        error.Service.Should().Be(ImageService.Lumenfall);
        error.RequestId.Should().Be("req_err");
        error.ClientRequestId.Should().Be(harness.Requests.Single().Headers["X-Client-Request-Id"]);
        error.RawBody.Should().Be(body);
        error.Message.Should().Contain(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_bad_request_names_the_providers_param_and_type()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Generations, """{"error":{"message":"Unknown parameter","type":"invalid_request_error","code":"INVALID_REQUEST","param":"style"}}""", HttpStatusCode.BadRequest);

        LumenfallBadRequestException error = (await FluentActions.Awaiting(() => harness.Client.GenerateAsync(new Flux2DevGenerationRequest("x")))
            .Should().ThrowAsync<LumenfallBadRequestException>()).Which;

        error.ParameterName.Should().Be("style");
        error.ErrorType.Should().Be("invalid_request_error");
        error.Message.Should().Be("Lumenfall returned 400 INVALID_REQUEST: Unknown parameter");
    }

    [Theory]
    [InlineData("Retry-After", "7", 7000)]
    [InlineData("retry-after-ms", "1500", 1500)]
    public async Task A_rate_limit_carries_retry_after(string header, string value, int expectedMs)
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Generations, """{"error":{"message":"Slow down","code":"RATE_LIMITED"}}""", HttpStatusCode.TooManyRequests, (header, value));

        LumenfallRateLimitException error = (await FluentActions.Awaiting(() => harness.Client.GenerateAsync(new Flux2DevGenerationRequest("x")))
            .Should().ThrowAsync<LumenfallRateLimitException>()).Which;

        error.RetryAfter.Should().Be(TimeSpan.FromMilliseconds(expectedMs));
    }

    [Fact]
    public async Task A_retry_after_date_is_measured_on_the_clients_clock()
    {
        var harness = new ServiceHarness();
        string date = harness.Time.GetUtcNow().AddSeconds(30).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        harness.Respond(HttpMethod.Post, Generations, """{"error":{"code":"RATE_LIMITED"}}""", HttpStatusCode.TooManyRequests, ("Retry-After", date));

        LumenfallRateLimitException error = (await FluentActions.Awaiting(() => harness.Client.GenerateAsync(new Flux2DevGenerationRequest("x")))
            .Should().ThrowAsync<LumenfallRateLimitException>()).Which;

        error.RetryAfter.Should().Be(TimeSpan.FromSeconds(30));
    }

    [Theory]
    [InlineData("""{"error":{"message":"Provider timed out","code":"UPSTREAM_ERROR"},"data":[]}""", typeof(LumenfallUpstreamException))]
    [InlineData("""{"error":{"message":"Nope","code":"CONTENT_POLICY_VIOLATION"}}""", typeof(LumenfallContentPolicyException))]
    [InlineData("""{"error":"Something broke"}""", typeof(LumenfallException))]
    public async Task A_200_whose_body_carries_an_error_is_a_failure(string body, Type expected)
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Generations, body, HttpStatusCode.OK, ("X-Lumenfall-Request-Id", "req_200"));

        LumenfallException error = (await FluentActions.Awaiting(() => harness.Client.GenerateAsync(new Flux2DevGenerationRequest("x")))
            .Should().ThrowAsync<LumenfallException>()).Which;

        error.Should().BeOfType(expected);
        error.RequestId.Should().Be("req_200");
        error.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_success_without_images_is_a_failure_that_keeps_the_request_id()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Generations, """{"created":1,"data":[{"url":""}]}""", HttpStatusCode.OK, ("X-Lumenfall-Request-Id", "req_empty"));

        LumenfallUpstreamException error = (await FluentActions.Awaiting(() => harness.Client.GenerateAsync(new Flux2DevGenerationRequest("x")))
            .Should().ThrowAsync<LumenfallUpstreamException>()).Which;

        error.RequestId.Should().Be("req_empty");
    }

    [Fact]
    public async Task Malformed_json_keeps_the_request_ids()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Generations, """{"created":1,"data":[{"url":"https://x""", HttpStatusCode.OK, ("X-Lumenfall-Request-Id", "req_trunc"));

        LumenfallUnexpectedResponseException error = (await FluentActions.Awaiting(() => harness.Client.GenerateAsync(new Flux2DevGenerationRequest("x")))
            .Should().ThrowExactlyAsync<LumenfallUnexpectedResponseException>()).Which;

        error.RequestId.Should().Be("req_trunc");
        error.ClientRequestId.Should().NotBeNullOrEmpty();
        error.Message.Should().Contain("could not use").And.Contain("JsonException");
    }

    [Fact]
    public async Task The_raw_body_is_cut_at_4_kb()
    {
        var harness = new ServiceHarness();
        string body = "{\"error\":{\"message\":\"big\",\"code\":\"UPSTREAM_ERROR\",\"detail\":\"" + new string('x', 10_000) + "\"}}";
        harness.Respond(HttpMethod.Post, Generations, body, HttpStatusCode.BadGateway);

        LumenfallException error = (await FluentActions.Awaiting(() => harness.Client.GenerateAsync(new Flux2DevGenerationRequest("x")))
            .Should().ThrowAsync<LumenfallException>()).Which;

        error.RawBody!.Length.Should().BeLessThanOrEqualTo(4097);
        error.RawBody.Should().StartWith("""{"error":{"message":"big""");
    }

    [Fact]
    public async Task An_echoed_api_key_never_reaches_the_exception()
    {
        var harness = new ServiceHarness();
        string body = $$$"""{"error":{"message":"Key {{{ServiceHarness.LumenfallKey}}} is revoked","code":"AUTHENTICATION_FAILED"}}""";
        harness.Respond(HttpMethod.Post, Generations, body, HttpStatusCode.Unauthorized);

        LumenfallException error = (await FluentActions.Awaiting(() => harness.Client.GenerateAsync(new Flux2DevGenerationRequest("x")))
            .Should().ThrowAsync<LumenfallAuthenticationException>()).Which;

        error.Message.Should().NotContain(ServiceHarness.LumenfallKey).And.Contain("***");
        error.RawBody.Should().NotContain(ServiceHarness.LumenfallKey);
        error.ToString().Should().NotContain(ServiceHarness.LumenfallKey);
    }
}
