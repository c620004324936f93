using System.Net;
using System.Text;
using Lumenfall.Sdk.Tests.TestSupport;
using RichardSzalay.MockHttp;
using static Lumenfall.Sdk.Tests.TestSupport.ServiceHarness;

namespace Lumenfall.Sdk.Tests.Http;

/// <summary>Throttled polls wait as asked, retries stay within the call's budget, masks are checked by their bytes, error types come from headers, saved names are safe.</summary>
public class WaitAndErrorDetailTests
{
    private const string Queue = "https://queue.fal.run/fal-ai/omnigen-v1";
    private const string Status = Queue + "/requests/r1/status";
    private const string Submitted = $$"""{ "request_id": "r1", "status_url": "{{Status}}", "response_url": "{{Queue}}/requests/r1" }""";

    [Fact]
    public async Task A_throttled_status_poll_waits_as_asked_and_the_wait_goes_on()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Queue, Submitted);
        harness.Script(HttpMethod.Get, Status,
            () => Json(HttpStatusCode.TooManyRequests, """{ "detail": "slow down" }""", ("Retry-After", "4")),
            () => Json(HttpStatusCode.OK, """{ "status": "COMPLETED" }"""));
        harness.Respond(HttpMethod.Get, Queue + "/requests/r1", """{ "images": [ { "url": "https://v3.fal.media/a.jpg" } ], "seed": 1 }""");

        Task<ImageGenerationResult> run = harness.Client.GenerateAsync(new OmniGenV1Request("x"));
        TimeSpan first = await harness.Time.AdvanceToNextTimerAsync(TimeSpan.FromSeconds(10));
        TimeSpan second = await harness.Time.AdvanceToNextTimerAsync(TimeSpan.FromSeconds(10));

        (await run).Images.Should().ContainSingle();
        (first, second).Should().Be((TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(4)));
    }

    [Fact]
    public async Task A_retry_after_past_the_calls_timeout_is_not_waited_for()
    {
        var harness = new ServiceHarness(o =>
        {
            o.Gateway.Retry.MaxRetries = 3;
            o.Gateway.RequestTimeout = TimeSpan.FromSeconds(10);
        });
        harness.Script(HttpMethod.Get, LumenfallBase + "/models", () => Json(HttpStatusCode.TooManyRequests, """{ "error": { "code": "RATE_LIMITED" } }""", ("Retry-After", "30")));

        LumenfallRateLimitException error = (await FluentActions.Awaiting(() => harness.Client.ListModelsAsync())
            .Should().ThrowAsync<LumenfallRateLimitException>()).Which;

        error.RetryAfter.Should().Be(TimeSpan.FromSeconds(30));
        harness.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task A_mask_whose_bytes_are_not_png_is_refused_before_sending()
    {
        var harness = new ServiceHarness();
        string mask = Path.Combine(Directory.CreateTempSubdirectory().FullName, "mask.png");
        await File.WriteAllBytesAsync(mask, TestImages.Jpeg);

        LumenfallValidationException error = (await FluentActions.Awaiting(() =>
                harness.Client.GenerateAsync(new GptImage2EditRequest("x", [ImageInput.FromBytes(TestImages.Png)]) { Mask = ImageInput.FromFile(mask) }))
            .Should().ThrowAsync<LumenfallValidationException>()).Which;

        (error.ParameterName, error.Rule).Should().Be(("mask", ValidationRule.MediaType));
        harness.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Fals_error_type_header_is_used_when_the_body_is_not_json()
    {
        var harness = new ServiceHarness();
        harness.Mock.When(HttpMethod.Post, Queue).Respond(_ =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent("<html>503 Service Unavailable</html>", Encoding.UTF8, "text/html") };
            response.Headers.Add("X-Fal-Error-Type", "runner_scheduling_failure");
            return response;
        });

        LumenfallUpstreamException error = (await FluentActions.Awaiting(() => harness.Client.StartAsync(new OmniGenV1Request("x")))
            .Should().ThrowAsync<LumenfallUpstreamException>()).Which;

        (error.ErrorType, error.ErrorCode).Should().Be(("runner_scheduling_failure", "runner_scheduling_failure"));
    }

    [Fact]
    public async Task A_webhook_in_sync_mode_is_refused_before_sending()
    {
        var harness = new ServiceHarness(o => o.Fal.Mode = FalExecutionMode.Sync);

        await FluentActions.Awaiting(() => harness.Client.GenerateAsync(new OmniGenV1Request("x") { Submit = new FalSubmitOptions { WebhookUrl = new Uri("https://hooks.example.com") } }))
            .Should().ThrowAsync<LumenfallValidationException>().Where(e => e.ParameterName == "fal_webhook");
        harness.Requests.Should().BeEmpty();
    }

    [Theory]
    [InlineData(".png")]
    [InlineData(".")]
    public async Task A_service_file_name_without_a_stem_is_saved_as_image_inside_the_folder(string fileName)
    {
        string folder = Path.Combine(Directory.CreateTempSubdirectory().FullName, "out");
        Directory.CreateDirectory(folder);

        string saved = await new GeneratedImage(null, TestImages.Png) { FileName = fileName }.SaveAsync(folder);

        saved.Should().Be(Path.Combine(folder, "image.png"));
    }

    [Fact]
    public async Task A_result_url_the_sdk_cannot_use_fails_with_the_request_ids()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, LumenfallBase + "/images/generations", """{ "data": [ { "url": "not a url" } ] }""", HttpStatusCode.OK, ("X-Lumenfall-Request-Id", "req_bad"));

        LumenfallException error = (await FluentActions.Awaiting(() => harness.Client.GenerateAsync(new Flux2DevGenerationRequest("x")))
            .Should().ThrowAsync<LumenfallException>()).Which;

        error.RequestId.Should().Be("req_bad");
        error.ClientRequestId.Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task When_the_status_stream_fails_outright_polling_takes_over()
    {
        var harness = new ServiceHarness(o => o.Fal.UseStatusStream = true);
        harness.Respond(HttpMethod.Post, Queue, Submitted);
        harness.Script(HttpMethod.Get, Status + "/stream", () => throw new HttpRequestException(HttpRequestError.ResponseEnded, "stream dropped"));
        harness.Script(HttpMethod.Get, Status, () => Json(HttpStatusCode.OK, """{ "status": "COMPLETED" }"""));
        harness.Respond(HttpMethod.Get, Queue + "/requests/r1", """{ "images": [ { "url": "https://v3.fal.media/a.jpg" } ], "seed": 1 }""");

        ImageOperation operation = await harness.Client.StartAsync(new OmniGenV1Request("x"));
        Task<ImageGenerationResult> wait = operation.WaitForCompletionAsync();
        await harness.Time.AdvanceToNextTimerAsync(TimeSpan.FromSeconds(5));

        (await wait).Images.Should().ContainSingle();
        harness.Requests.Select(r => r.Uri.AbsolutePath).Should().Contain([new Uri(Status + "/stream").AbsolutePath, new Uri(Status).AbsolutePath]);
    }
}
