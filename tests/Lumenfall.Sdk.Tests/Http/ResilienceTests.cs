using System.Net;
using System.Net.Sockets;
using Lumenfall.Sdk.Tests.TestSupport;
using static Lumenfall.Sdk.Tests.TestSupport.ServiceHarness;

namespace Lumenfall.Sdk.Tests.Http;

/// <summary>
/// Every retry branch, on fake time, counting the requests that reach the wire: a billable POST is repeated only
/// when it provably was not processed; reads are retried on transient failures.
/// </summary>
public class ResilienceTests
{
    private const string Generations = LumenfallBase + "/images/generations";
    private const string Models = LumenfallBase + "/models";
    private const string Ok = """{ "data": [ { "url": "https://media.lumenfall.ai/a.png" } ] }""";
    private const string Failure = """{ "error": { "message": "boom", "code": "UPSTREAM_ERROR" } }""";

    private static ServiceHarness WithRetries(Action<LumenfallOptions>? configure = null) => new(o =>
    {
        o.Gateway.Retry.MaxRetries = 3;
        o.Fal.Retry.MaxRetries = 3;
        configure?.Invoke(o);
    });

    private static void Script(ServiceHarness harness, HttpMethod method, string url, params Func<HttpResponseMessage>[] steps) =>
        harness.Script(method, url, steps);

    private static Func<HttpResponseMessage> Reply(HttpStatusCode status, string body, params (string, string)[] headers) => () => Json(status, body, headers);

    private static Func<HttpResponseMessage> Throw(Exception exception) => () => throw exception;

    /// <summary>Runs <paramref name="call"/>, advancing the fake clock through every backoff wait until it ends.</summary>
    private static async Task<List<TimeSpan>> DriveAsync(ServiceHarness harness, Task call)
    {
        var waits = new List<TimeSpan>();
        while (!call.IsCompleted)
        {
            Task<TimeSpan> next = harness.Time.NextTimerAsync(d => d < TimeSpan.FromSeconds(59));   // backoff waits, not the 60 s request or 10 min generation timeouts
            if (await Task.WhenAny(next, call) == next)
            {
                TimeSpan due = await next;
                waits.Add(due);
                harness.Time.Advance(due);
            }
        }

        return waits;
    }

    public static TheoryData<string, Func<HttpResponseMessage>> NotProvablyUnprocessed => new()
    {
        { "500", Reply(HttpStatusCode.InternalServerError, Failure) },
        { "502", Reply(HttpStatusCode.BadGateway, Failure) },
        { "504", Reply(HttpStatusCode.GatewayTimeout, Failure) },
        { "503 without Retry-After", Reply(HttpStatusCode.ServiceUnavailable, Failure) },
        { "503 with Retry-After (Lumenfall does not document a 503 as unprocessed)", Reply(HttpStatusCode.ServiceUnavailable, Failure, ("Retry-After", "2")) },
        { "read timeout", Throw(new TaskCanceledException("The request timed out.", new TimeoutException())) },
        { "response dropped", Throw(new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely.")) },
        { "connection reset mid-response", Throw(new HttpRequestException(HttpRequestError.Unknown, "reset", new IOException("Connection reset by peer"))) },
    };

    [Theory]
    [MemberData(nameof(NotProvablyUnprocessed))]
    public async Task A_billable_post_is_sent_exactly_once_when_it_may_have_been_processed(string name, Func<HttpResponseMessage> failure)
    {
        var harness = WithRetries();
        Script(harness, HttpMethod.Post, Generations, failure, Reply(HttpStatusCode.OK, Ok));

        Task<ImageGenerationResult> call = harness.Client.GenerateAsync(new Flux2DevGenerationRequest("x"));
        await DriveAsync(harness, call);

        await FluentActions.Awaiting(() => call).Should().ThrowAsync<Exception>(name);
        harness.To(Generations).Should().HaveCount(1, name);
    }

    public static TheoryData<string, Func<HttpResponseMessage>> ProvablyUnprocessed => new()
    {
        { "429", Reply(HttpStatusCode.TooManyRequests, """{ "error": { "code": "RATE_LIMITED" } }""") },
        { "connection refused", Throw(new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused", new SocketException((int)SocketError.ConnectionRefused))) },
        { "name not resolved", Throw(new HttpRequestException(HttpRequestError.NameResolutionError, "No such host")) },
    };

    [Theory]
    [MemberData(nameof(ProvablyUnprocessed))]
    public async Task A_billable_post_is_retried_once_when_it_provably_was_not_processed(string name, Func<HttpResponseMessage> failure)
    {
        var harness = WithRetries();
        Script(harness, HttpMethod.Post, Generations, failure, Reply(HttpStatusCode.OK, Ok));

        Task<ImageGenerationResult> call = harness.Client.GenerateAsync(new Flux2DevGenerationRequest("x"));
        await DriveAsync(harness, call);

        (await call).Images.Should().ContainSingle(name);
        List<CapturedRequest> posts = harness.To(Generations);
        posts.Should().HaveCount(2, name);
        posts[1].Headers["X-Client-Request-Id"].Should().Be(posts[0].Headers["X-Client-Request-Id"], "every attempt of one call carries the same id");
        posts[1].Body.Should().Equal(posts[0].Body, "the body is replayed as it was");
    }

    [Fact]
    public async Task A_fal_submit_answered_503_with_retry_after_is_sent_again_as_fal_documents_5xx_as_unprocessed()
    {
        const string Submit = "https://queue.fal.run/fal-ai/omnigen-v1";
        var harness = WithRetries();
        Script(harness, HttpMethod.Post, Submit,
            Reply(HttpStatusCode.ServiceUnavailable, """{"detail":"no runner","error_type":"runner_scheduling_failure"}""", ("Retry-After", "2")),
            Reply(HttpStatusCode.OK, """{"request_id":"r1","status":"IN_QUEUE"}"""));

        Task<ImageOperation> call = harness.Client.StartAsync(new OmniGenV1Request("x"));
        List<TimeSpan> waits = await DriveAsync(harness, call);

        (await call).Id.Should().Be("r1");
        waits.Should().Equal(TimeSpan.FromSeconds(2));
        harness.To(Submit).Should().HaveCount(2);
    }

    [Fact]
    public async Task A_fal_submit_answered_503_without_retry_after_is_sent_once()
    {
        const string Submit = "https://queue.fal.run/fal-ai/omnigen-v1";
        var harness = WithRetries();
        Script(harness, HttpMethod.Post, Submit, Reply(HttpStatusCode.ServiceUnavailable, """{"detail":"no runner"}"""), Reply(HttpStatusCode.OK, """{"request_id":"r1"}"""));

        await FluentActions.Awaiting(() => harness.Client.StartAsync(new OmniGenV1Request("x"))).Should().ThrowAsync<LumenfallUpstreamException>();
        harness.To(Submit).Should().ContainSingle();
    }

    [Fact]
    public async Task A_multipart_edit_body_is_replayed_identically_on_a_429_retry()
    {
        var harness = WithRetries();
        Script(harness, HttpMethod.Post, LumenfallBase + "/images/edits",
            Reply(HttpStatusCode.TooManyRequests, "{}", ("Retry-After", "1")), Reply(HttpStatusCode.OK, Ok));
        using var stream = new MemoryStream(TestImages.Png);

        Task<ImageGenerationResult> call = harness.Client.GenerateAsync(new GptImage2EditRequest("x", [ImageInput.FromStream(stream, "in.png")]));
        await DriveAsync(harness, call);
        await call;

        List<CapturedRequest> posts = harness.To(LumenfallBase + "/images/edits");
        posts.Should().HaveCount(2);
        posts[1].Parts.Select(p => (p.Name, p.FileName, p.ContentType)).Should().Equal(posts[0].Parts.Select(p => (p.Name, p.FileName, p.ContentType)));
        posts[1].Parts.Single(p => p.Name == "image").Content.Should().Equal(TestImages.Png);
    }

    [Fact]
    public async Task Retry_after_is_honoured_as_the_wait()
    {
        var harness = WithRetries();
        Script(harness, HttpMethod.Post, Generations,
            Reply(HttpStatusCode.TooManyRequests, "{}", ("Retry-After", "7")),
            Reply(HttpStatusCode.TooManyRequests, "{}", ("retry-after-ms", "1500")),
            Reply(HttpStatusCode.OK, Ok));

        Task<ImageGenerationResult> call = harness.Client.GenerateAsync(new Flux2DevGenerationRequest("x"));
        List<TimeSpan> waits = await DriveAsync(harness, call);
        await call;

        waits.Should().Equal(TimeSpan.FromSeconds(7), TimeSpan.FromMilliseconds(1500));
        harness.To(Generations).Should().HaveCount(3);
    }

    [Fact]
    public async Task A_retry_after_beyond_the_cap_fails_at_once_with_the_wait()
    {
        var harness = WithRetries(o => o.Gateway.Retry.MaxRetryAfter = TimeSpan.FromSeconds(60));
        Script(harness, HttpMethod.Post, Generations, Reply(HttpStatusCode.TooManyRequests, """{ "error": { "code": "RATE_LIMITED" } }""", ("Retry-After", "3600")));

        LumenfallRateLimitException error = (await FluentActions.Awaiting(() => harness.Client.GenerateAsync(new Flux2DevGenerationRequest("x")))
            .Should().ThrowAsync<LumenfallRateLimitException>()).Which;

        error.RetryAfter.Should().Be(TimeSpan.FromHours(1));
        harness.To(Generations).Should().HaveCount(1);
    }

    public static TheoryData<string, Func<HttpResponseMessage>> TransientReadFailures => new()
    {
        { "408", Reply(HttpStatusCode.RequestTimeout, "{}") },
        { "429", Reply(HttpStatusCode.TooManyRequests, "{}") },
        { "500", Reply(HttpStatusCode.InternalServerError, Failure) },
        { "502", Reply(HttpStatusCode.BadGateway, Failure) },
        { "503", Reply(HttpStatusCode.ServiceUnavailable, Failure) },
        { "504", Reply(HttpStatusCode.GatewayTimeout, Failure) },
        { "network error", Throw(new HttpRequestException(HttpRequestError.ResponseEnded, "dropped")) },
    };

    [Theory]
    [MemberData(nameof(TransientReadFailures))]
    public async Task Reads_are_retried_on_transient_failures(string name, Func<HttpResponseMessage> failure)
    {
        var harness = WithRetries();
        Script(harness, HttpMethod.Get, Models, failure, failure, Reply(HttpStatusCode.OK, """{ "data": [ { "id": "flux.2-dev" } ] }"""));

        Task<IReadOnlyList<ServiceModel>> call = harness.Client.ListModelsAsync();
        List<TimeSpan> waits = await DriveAsync(harness, call);

        (await call).Should().ContainSingle(name);
        harness.To(Models).Should().HaveCount(3, name);
        waits.Should().HaveCount(2).And.OnlyContain(w => w > TimeSpan.Zero && w <= TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Reads_give_up_after_the_configured_retries()
    {
        var harness = WithRetries(o => o.Gateway.Retry.MaxRetries = 2);
        Script(harness, HttpMethod.Get, Models, Reply(HttpStatusCode.ServiceUnavailable, Failure));

        Task<IReadOnlyList<ServiceModel>> call = harness.Client.ListModelsAsync();
        await DriveAsync(harness, call);

        await FluentActions.Awaiting(() => call).Should().ThrowAsync<LumenfallUpstreamException>();
        harness.To(Models).Should().HaveCount(3);
    }

    [Fact]
    public async Task A_client_error_on_a_read_is_not_retried()
    {
        var harness = WithRetries();
        Script(harness, HttpMethod.Get, Models, Reply(HttpStatusCode.NotFound, """{ "error": { "code": "MODEL_NOT_FOUND" } }"""));

        await FluentActions.Awaiting(() => harness.Client.ListModelsAsync()).Should().ThrowAsync<LumenfallNotFoundException>();
        harness.To(Models).Should().HaveCount(1);
    }

    [Fact]
    public async Task Fal_504_from_the_callers_own_start_timeout_is_never_retried()
    {
        const string Status = "https://queue.fal.run/fal-ai/omnigen-v1/requests/r1/status";
        var harness = WithRetries();
        harness.Respond(HttpMethod.Post, "https://queue.fal.run/fal-ai/omnigen-v1", $$"""{ "request_id": "r1", "status_url": "{{Status}}" }""");
        Script(harness, HttpMethod.Get, Status,
            Reply(HttpStatusCode.GatewayTimeout, """{ "detail": "Request timed out", "error_type": "request_timeout" }""", ("X-Fal-Request-Timeout-Type", "user"), ("X-Fal-Error-Type", "request_timeout")));

        ImageOperation operation = await harness.Client.StartAsync(new OmniGenV1Request("x"));

        LumenfallUpstreamException error = (await FluentActions.Awaiting(() => operation.UpdateStatusAsync()).Should().ThrowAsync<LumenfallUpstreamException>()).Which;
        error.ErrorType.Should().Be("request_timeout");
        harness.To(Status).Should().HaveCount(1);
    }

    [Fact]
    public async Task Status_polls_of_a_queued_job_are_retried()
    {
        const string Status = "https://queue.fal.run/fal-ai/omnigen-v1/requests/r1/status";
        var harness = WithRetries();
        harness.Respond(HttpMethod.Post, "https://queue.fal.run/fal-ai/omnigen-v1", $$"""{ "request_id": "r1", "status_url": "{{Status}}" }""");
        Script(harness, HttpMethod.Get, Status, Reply(HttpStatusCode.BadGateway, Failure), Reply(HttpStatusCode.Accepted, """{ "status": "IN_PROGRESS" }"""));
        ImageOperation operation = await harness.Client.StartAsync(new OmniGenV1Request("x"));

        Task<ImageOperationStatus> update = operation.UpdateStatusAsync();
        await DriveAsync(harness, update);

        (await update).Should().Be(ImageOperationStatus.InProgress);
        harness.To(Status).Should().HaveCount(2);
    }
}
