using System.Net;
using System.Text;
using Lumenfall.Sdk.Http;
using Lumenfall.Sdk.Tests.TestSupport;
using RichardSzalay.MockHttp;
using static Lumenfall.Sdk.Tests.TestSupport.ServiceHarness;

namespace Lumenfall.Sdk.Tests.Reliability;

/// <summary>Whatever a server or the network does, the caller gets a result or a typed exception with the ids.</summary>
public class TypedFailureTests
{
    private const string Generations = LumenfallBase + "/images/generations";
    private const string Queue = "https://queue.fal.run/fal-ai/omnigen-v1";
    private const string Requests = Queue + "/requests/r1";
    private const string Status = Requests + "/status";
    private const string Submitted = $$"""{ "request_id": "r1", "status_url": "{{Status}}", "response_url": "{{Requests}}", "status": "IN_QUEUE" }""";
    private const string Output = """{ "images": [ { "url": "https://v3.fal.media/files/a.jpg" } ], "seed": 1 }""";

    [Fact]
    public async Task A_body_cut_short_is_a_network_exception_with_the_request_id_and_the_post_is_not_replayed()
    {
        var harness = new ServiceHarness(o => o.Gateway.Retry.MaxRetries = 3);
        harness.Script(HttpMethod.Post, Generations,
            () => HostileContent.CutShort("""{"created":1,"data":[{"url":"https://cdn.example.com/a.png"}]}""", sent: 40, declared: 500, headers: ("X-Lumenfall-Request-Id", "req_cut")));

        LumenfallNetworkException error = (await FluentActions.Awaiting(() => harness.Client.GenerateAsync(new Flux2DevGenerationRequest("x")))
            .Should().ThrowExactlyAsync<LumenfallNetworkException>()).Which;

        (error.RequestId, error.StatusCode).Should().Be(("req_cut", HttpStatusCode.OK));
        error.ClientRequestId.Should().NotBeNullOrEmpty();
        error.Message.Should().Contain("while its body was read").And.Contain("not sent again");
        harness.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task A_result_cut_short_after_a_submit_carries_the_operation_id_and_token()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Queue, Submitted);
        harness.Respond(HttpMethod.Get, Status, """{ "status": "COMPLETED" }""");
        harness.Script(HttpMethod.Get, Requests, () => HostileContent.CutShort(Output, sent: 20));

        Task<ImageGenerationResult> run = harness.Client.GenerateAsync(new OmniGenV1Request("x"));
        LumenfallNetworkException error = (await FluentActions.Awaiting(() => DriveAsync(harness, run))
            .Should().ThrowExactlyAsync<LumenfallNetworkException>()).Which;

        error.OperationId.Should().Be("r1");
        harness.Client.ResumeOperation(error.RehydrationToken!).Id.Should().Be("r1");
        harness.To(Queue).Should().ContainSingle("the billable submit is never replayed");
    }

    [Fact]
    public async Task A_reset_during_a_download_is_a_network_exception()
    {
        var harness = new ServiceHarness();
        harness.Script(HttpMethod.Get, "https://cdn.example.com/a.png", () => HostileContent.CutShort("\u0089PNG....", sent: 4, declared: 5000));
        harness.Respond(HttpMethod.Post, Generations, """{"data":[{"url":"https://cdn.example.com/a.png"}]}""");
        ImageGenerationResult result = await harness.Client.GenerateAsync(new Flux2DevGenerationRequest("x"));

        await FluentActions.Awaiting(() => result.Images[0].OpenReadAsync()).Should().ThrowExactlyAsync<LumenfallNetworkException>()
            .WithMessage("*while its body was read*");
    }

    [Fact]
    public async Task A_connect_timeout_is_a_timeout_exception_and_another_cancellation_a_network_exception()
    {
        var harness = new ServiceHarness();
        harness.Script(HttpMethod.Get, LumenfallBase + "/models",
            () => throw new TaskCanceledException("connect", new TimeoutException("A connection could not be made within 30 s.")),
            () => throw new OperationCanceledException("the handler gave up"));

        await FluentActions.Awaiting(() => harness.Client.ListModelsAsync()).Should().ThrowExactlyAsync<LumenfallTimeoutException>().WithMessage("*timed out before a response arrived*");
        await FluentActions.Awaiting(() => harness.Client.ListModelsAsync()).Should().ThrowExactlyAsync<LumenfallNetworkException>();
    }

    [Fact]
    public async Task Only_the_callers_own_token_yields_operation_canceled()
    {
        var harness = new ServiceHarness();
        Task arrived = harness.Hang(LumenfallBase + "/models");
        using var cancel = new CancellationTokenSource();

        Task<IReadOnlyList<ServiceModel>> call = harness.Client.ListModelsAsync(cancellationToken: cancel.Token);
        await arrived;
        await cancel.CancelAsync();

        (await FluentActions.Awaiting(() => call).Should().ThrowAsync<OperationCanceledException>()).Which.Should().NotBeAssignableTo<LumenfallException>();
    }

    [Theory]
    [InlineData("""{"detail":"bad \ud83d input"}""")]
    [InlineData("""{"error":{"message":"bad \udc00 input","code":"x\ud800"}}""")]
    public async Task Lone_surrogates_in_an_error_body_are_kept_as_replacement_characters(string body)
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Get, LumenfallBase + "/models", body, HttpStatusCode.BadRequest);

        LumenfallException error = (await FluentActions.Awaiting(() => harness.Client.ListModelsAsync()).Should().ThrowAsync<LumenfallBadRequestException>()).Which;

        error.Message.Should().Contain("bad \uFFFD input");
    }

    [Fact]
    public async Task Invalid_utf8_in_an_error_body_is_kept_as_replacement_characters()
    {
        var harness = new ServiceHarness();
        byte[] body = [.. "{\"detail\":\"caf"u8, 0xC3, 0x28, .. " ok\"}"u8];
        harness.Script(HttpMethod.Get, LumenfallBase + "/models", () => HostileContent.Bytes(HttpStatusCode.BadRequest, body));

        LumenfallException error = (await FluentActions.Awaiting(() => harness.Client.ListModelsAsync()).Should().ThrowAsync<LumenfallBadRequestException>()).Which;

        error.Message.Should().Contain("caf\uFFFD( ok");
    }

    [Fact]
    public async Task Lone_surrogates_in_fal_logs_and_statuses_never_fail_the_wait()
    {
        var harness = new ServiceHarness(o => o.Fal.IncludeLogs = true);
        harness.Respond(HttpMethod.Post, Queue, Submitted);
        harness.RespondSequence(HttpMethod.Get, Status,
            new Reply("""{ "status": "IN_PROGRESS", "logs": [ { "message": "step \ud83d", "level": "INFO\udc00" }, "plain \ud800" ] }"""),
            new Reply("""{ "status": "COMPLETED" }"""));
        harness.Respond(HttpMethod.Get, Requests, """{ "images": [ { "url": "https://v3.fal.media/files/a.jpg", "file_name": "a\ud83d.jpg" } ], "prompt": "p\udfff" }""");
        ImageOperation operation = await harness.Client.StartAsync(new OmniGenV1Request("x"));

        ImageGenerationResult result = await DriveAsync(harness, operation.WaitForCompletionAsync());

        operation.Logs.Select(l => l.Message).Should().Equal("step \uFFFD", "plain \uFFFD");
        (result.Prompt, result.Images[0].FileName).Should().Be(("p\uFFFD", "a\uFFFD.jpg"));
    }

    [Theory]
    [InlineData("retry-after-ms", "1e16", 86_400d)]
    [InlineData("retry-after-ms", "Infinity", null)]
    [InlineData("retry-after-ms", "NaN", null)]
    [InlineData("Retry-After", "99999999", 86_400d)]
    [InlineData("Retry-After", "1e16", 86_400d)]
    [InlineData("Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT", 86_400d)]
    [InlineData("Retry-After", "Thu, 01 Jan 1970 00:00:00 GMT", 0d)]
    [InlineData("Retry-After", "-5", 0d)]
    [InlineData("Retry-After", "soon", null)]
    [InlineData("Retry-After", "2.5", 2.5)]
    public void Any_retry_after_is_read_without_throwing_and_clamped(string header, string value, double? seconds)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.TryAddWithoutValidation(header, value);

        TimeSpan? wait = ServiceErrors.RetryAfterFrom(response.Headers, TimeProvider.System);

        wait.Should().Be(seconds is double s ? TimeSpan.FromSeconds(s) : null);
    }

    [Fact]
    public async Task A_status_poll_asked_to_wait_an_hour_waits_no_longer_than_the_retry_cap()
    {
        var harness = new ServiceHarness(o => o.Fal.Retry.MaxRetryAfter = TimeSpan.FromSeconds(20));
        harness.Respond(HttpMethod.Post, Queue, Submitted);
        harness.Script(HttpMethod.Get, Status,
            () => Json(HttpStatusCode.ServiceUnavailable, """{ "detail": "busy" }""", ("Retry-After", "3600")),
            () => Json(HttpStatusCode.OK, """{ "status": "COMPLETED" }"""));
        harness.Respond(HttpMethod.Get, Requests, Output);

        Task<ImageGenerationResult> run = harness.Client.GenerateAsync(new OmniGenV1Request("x"));
        TimeSpan first = await harness.Time.AdvanceToNextTimerAsync(TimeSpan.FromSeconds(30));
        TimeSpan second = await harness.Time.AdvanceToNextTimerAsync(TimeSpan.FromSeconds(30));

        (await run).Images.Should().ContainSingle();
        (first, second).Should().Be((TimeSpan.FromMilliseconds(500), harness.Options.Fal.Retry.MaxRetryAfter));
    }

    [Theory]
    [InlineData("status_url", "string")]
    [InlineData("response_url", "/relative/path")]
    [InlineData("cancel_url", "javascript:alert(1)")]
    [InlineData("status_url", "https://evil.example/steal")]
    public async Task The_queue_urls_of_a_submit_reply_are_not_followed_the_sdk_builds_its_own(string field, string value)
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Queue, $$"""{ "request_id": "r1", "{{field}}": "{{value}}", "status": "IN_QUEUE" }""");
        harness.Respond(HttpMethod.Get, Status, """{ "status": "COMPLETED" }""");
        harness.Respond(HttpMethod.Get, Requests, Output);

        ImageGenerationResult result = await DriveAsync(harness, harness.Client.GenerateAsync(new OmniGenV1Request("x")));

        result.Images.Should().ContainSingle();
        harness.Requests.Select(r => r.Uri.GetLeftPart(UriPartial.Path)).Should().Equal(Queue, Status, Requests);
        harness.Requests.Should().AllSatisfy(r => r.Authorization.Should().Be("Key " + FalKey));
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("/images/a.png")]
    [InlineData("data:image/png;base64,@@@")]
    public async Task An_unusable_image_url_is_an_unexpected_response_naming_the_field(string url)
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Generations, $$"""{"data":[{"url":"https://cdn.example.com/ok.png"},{"url":"{{url}}"}]}""");

        LumenfallUnexpectedResponseException error = (await FluentActions.Awaiting(() => harness.Client.GenerateAsync(new Flux2DevGenerationRequest("x")))
            .Should().ThrowExactlyAsync<LumenfallUnexpectedResponseException>()).Which;

        error.Field.Should().Be("data[1].url");
        error.ClientRequestId.Should().NotBeNullOrEmpty();
    }

    [Theory]
    [InlineData("""{ "upload_url": "string", "file_url": "https://v3.fal.media/files/a.png" }""", "upload_url")]
    [InlineData("""{ "upload_url": "https://storage.example.com/put", "file_url": "files/a.png" }""", "file_url")]
    public async Task An_unusable_storage_url_is_refused_before_any_upload(string initiated, string field)
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, "https://rest.fal.ai/storage/upload/initiate", initiated);

        LumenfallUnexpectedResponseException error = (await FluentActions.Awaiting(() =>
                harness.Client.StartAsync(new OmniGenV1Request("x") { Images = [ImageInput.FromBytes(TestImages.Png)] }))
            .Should().ThrowExactlyAsync<LumenfallUnexpectedResponseException>()).Which;

        error.Field.Should().Be(field);
        harness.Requests.Should().ContainSingle("neither the PUT nor the submit is sent");
    }

    [Fact]
    public async Task Null_items_are_unexpected_responses_naming_the_item()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Generations + "?dryRun=true", """{"total_cost_micros":1,"components":[null]}""");
        harness.Respond(HttpMethod.Post, Generations, """{"data":[null]}""");
        harness.Respond(HttpMethod.Get, LumenfallBase + "/models", """{"data":[{"id":"a"},null]}""");

        (await FluentActions.Awaiting(() => harness.Client.GenerateAsync(new Flux2DevGenerationRequest("x")))
            .Should().ThrowExactlyAsync<LumenfallUnexpectedResponseException>()).Which.Field.Should().Be("data[0]");
        (await FluentActions.Awaiting(() => harness.Client.ListModelsAsync())
            .Should().ThrowExactlyAsync<LumenfallUnexpectedResponseException>()).Which.Field.Should().Be("data[1]");
        (await FluentActions.Awaiting(() => harness.Client.EstimateCostAsync(new Flux2DevGenerationRequest("x")))
            .Should().ThrowExactlyAsync<LumenfallUnexpectedResponseException>()).Which.Field.Should().Be("components[0]");
    }

    [Fact]
    public async Task A_null_fal_image_is_an_unexpected_response_with_the_operation()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Queue, Submitted);
        harness.Respond(HttpMethod.Get, Status, """{ "status": "COMPLETED" }""");
        harness.Respond(HttpMethod.Get, Requests, """{ "images": [ null ] }""");

        LumenfallUnexpectedResponseException error = (await FluentActions.Awaiting(() => DriveAsync(harness, harness.Client.GenerateAsync(new OmniGenV1Request("x"))))
            .Should().ThrowExactlyAsync<LumenfallUnexpectedResponseException>()).Which;

        (error.Field, error.OperationId).Should().Be(("images[0]", "r1"));
        error.RehydrationToken.Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task A_wrong_typed_field_is_an_unexpected_response()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Generations, """{"data":{"url":"https://cdn.example.com/a.png"}}""");

        await FluentActions.Awaiting(() => harness.Client.GenerateAsync(new Flux2DevGenerationRequest("x")))
            .Should().ThrowExactlyAsync<LumenfallUnexpectedResponseException>().WithMessage("*JsonException*");
    }

    /// <summary>
    /// Advances fake time through every poll wait until <paramref name="task"/> ends. Waits of 30 s or more (the
    /// per-request timeouts) are never advanced, so no request times out by accident.
    /// </summary>
    internal static async Task<T> DriveAsync<T>(ServiceHarness harness, Task<T> task, int maxSteps = 50)
    {
        for (int i = 0; i < maxSteps && !task.IsCompleted; i++)
        {
            Task<TimeSpan> next = harness.Time.NextTimerAsync(d => d < TimeSpan.FromSeconds(30));
            if (await Task.WhenAny(task, next) == next)
            {
                harness.Time.Advance(await next);
            }
        }

        return await task;
    }
}
