using System.Diagnostics;
using System.Net;
using Lumenfall.Sdk.Testing;

namespace Lumenfall.Sdk.IntegrationTests;

/// <summary>
/// Every kind of fault against every service mode, over real loopback HTTP, checked against the SDK's error
/// contract: every failure is a <see cref="LumenfallException"/> subtype carrying the ids of its call (and, once a
/// job was accepted, its operation id and rehydration token); a billable POST is replayed only when it provably was
/// not processed (429; a 503 with Retry-After only from fal, which documents 5xx failures as unprocessed and unbilled),
/// never after an ambiguous failure; one blip while waiting on a queued
/// job is not the end of the wait. Each cell counts the billable POSTs the emulator received for the call.
/// </summary>
/// <remarks>
/// The cells of one class run one after another against this class's own emulator, so every request the emulator
/// logs between the start and the end of a cell belongs to that cell.
/// </remarks>
public class FaultMatrixTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    /// <summary>Far longer than any cell takes; a call still running then has hung (for example waiting out a long Retry-After).</summary>
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    /// <summary>The generation timeout of the slow-response cells; the emulator answers well after it.</summary>
    private static readonly TimeSpan ShortTimeout = TimeSpan.FromMilliseconds(300);

    /// <summary>fal's published OpenAPI example of a queue submit reply: it has an id, but its URLs are placeholders (the SDK builds its own).</summary>
    private const string FalOpenApiSubmitExample = """{"request_id":"r1","status_url":"string","response_url":"string","cancel_url":"string","status":"IN_QUEUE"}""";

    private static readonly Dictionary<string, Mode> Modes = new Mode[]
    {
        new("lumenfall", ImageService.Lumenfall, "/lumenfall/openai/v1/images/generations", null, _ => { },
            p => new Flux2DevGenerationRequest(p) { Size = "16x16" }),
        new("fal-queue", ImageService.Fal, "/fal-queue/fal-ai/omnigen-v1", "/status", o => o.Fal.Mode = FalExecutionMode.Queue,
            p => new OmniGenV1Request(p) { Size = new ImageSize(16, 16) }),
        new("fal-sync", ImageService.Fal, "/fal-run/fal-ai/omnigen-v1", null, o => o.Fal.Mode = FalExecutionMode.Sync,
            p => new OmniGenV1Request(p) { Size = new ImageSize(16, 16) }),
        new("omnirouters-sync", ImageService.OmniRouters, "/omnirouters/v1/images/generations", null, o => o.OmniRouters.UseAsyncTasks = false,
            p => new OmniImageRequest(OmniImageModel.NanoBanana2, p)),
        new("omnirouters-async", ImageService.OmniRouters, "/omnirouters/v1/images/generations", "/omnirouters/v1/images/generations/", o => o.OmniRouters.UseAsyncTasks = true,
            p => new OmniImageRequest(OmniImageModel.NanoBanana2, p)),
    }.ToDictionary(m => m.Name);

    private static readonly Dictionary<string, Kind> Kinds = new Kind[]
    {
        // ---- the billable POST (generation, fal submit, OmniRouters create) ----
        new("429 with Retry-After, then success", m => OnPost(m, HttpStatusCode.TooManyRequests, RateLimitedBody, ShortRetryAfter), null, 2),
        new("503 with Retry-After, then success", m => OnPost(m, HttpStatusCode.ServiceUnavailable, UnavailableBody, ShortRetryAfter), null, 2,
            AppliesTo: m => m.Service == ImageService.Fal),
        new("503 with Retry-After, from a service that does not document it as unprocessed", m => OnPost(m, HttpStatusCode.ServiceUnavailable, UnavailableBody, ShortRetryAfter),
            typeof(LumenfallUpstreamException), 1, AppliesTo: m => m.Service != ImageService.Fal),
        new("503 without Retry-After", m => OnPost(m, HttpStatusCode.ServiceUnavailable, UnavailableBody), typeof(LumenfallUpstreamException), 1),
        new("500", m => OnPost(m, HttpStatusCode.InternalServerError, """{"error":{"message":"boom","type":"server_error"}}"""), typeof(LumenfallUpstreamException), 1),
        new("connection dropped after sending", m => new EmulatorFault { Method = "POST", PathContains = m.BillablePath, DropConnection = true }, typeof(LumenfallNetworkException), 1),
        new("200 with JSON that does not parse", m => new EmulatorFault { Method = "POST", PathContains = m.BillablePath, MalformedJson = true }, typeof(LumenfallUnexpectedResponseException), 1),
        new("200 with an HTML page", m => OnPost(m, HttpStatusCode.OK, "<html><body>upstream hiccup</body></html>"), typeof(LumenfallUnexpectedResponseException), 1),
        new("200 with fields of the wrong type", m => OnPost(m, HttpStatusCode.OK, """{"request_id":7,"task_id":7,"status":7,"data":7,"images":7}"""), typeof(LumenfallUnexpectedResponseException), 1),
        new("200 with the JSON cut in half", m => new EmulatorFault { Method = "POST", PathContains = m.BillablePath, TruncatedJson = true }, typeof(LumenfallUnexpectedResponseException), 1),
        new("body cut short of its Content-Length", m => new EmulatorFault { Method = "POST", PathContains = m.BillablePath, CutBodyAfterBytes = 20 }, typeof(LumenfallNetworkException), 1),
        new("401", m => OnPost(m, HttpStatusCode.Unauthorized, """{"error":{"message":"Invalid API key","type":"authentication_error"}}"""), typeof(LumenfallAuthenticationException), 1),
        new("429 with a Retry-After of an hour", m => OnPost(m, HttpStatusCode.TooManyRequests, RateLimitedBody, new() { ["Retry-After"] = "3600" }), typeof(LumenfallRateLimitException), 1,
            Check: (_, ex) => ex.RetryAfter.Should().Be(TimeSpan.FromHours(1))),
        new("answer slower than the generation timeout", m => new EmulatorFault { Method = "POST", PathContains = m.BillablePath, Delay = ShortTimeout * 4 }, typeof(LumenfallTimeoutException), 1,
            ShortGenerationTimeout: true,
            Check: (_, ex) => ((LumenfallTimeoutException)ex).Timeout.Should().Be(ShortTimeout)),
        new("200 with an image URL that is not a URL", m => OnPost(m, HttpStatusCode.OK, UnusableImageUrlBody(m)), typeof(LumenfallUnexpectedResponseException), 1,
            AppliesTo: m => !m.Queued),
        new("fal's OpenAPI example as the submit reply", m => OnPost(m, HttpStatusCode.OK, FalOpenApiSubmitExample), typeof(LumenfallNotFoundException), 1,
            AppliesTo: m => m.Name == "fal-queue", AcceptedId: "r1",
            Check: (_, ex) => ex.Message.Should().Contain("404", "its placeholder URLs are not followed: the job r1 is polled at the URL the SDK builds, which the emulator does not know")),

        // ---- status polls while waiting on an accepted job (queued modes only) ----
        new("one 503 on a status poll", m => OnPoll(m, 1, f => f with { StatusCode = HttpStatusCode.ServiceUnavailable, Body = UnavailableBody }), null, 1, OnPoll: true),
        new("one dropped connection on a status poll", m => OnPoll(m, 1, f => f with { DropConnection = true }), null, 1, OnPoll: true),
        new("one status body that does not parse", m => OnPoll(m, 1, f => f with { MalformedJson = true }), null, 1, OnPoll: true),
        new("one status body cut in half", m => OnPoll(m, 1, f => f with { TruncatedJson = true }), null, 1, OnPoll: true),
        new("one status body cut short of its Content-Length", m => OnPoll(m, 1, f => f with { CutBodyAfterBytes = 10 }), null, 1, OnPoll: true),
        new("every status poll 503", m => OnPoll(m, int.MaxValue, f => f with { StatusCode = HttpStatusCode.ServiceUnavailable, Body = UnavailableBody }), typeof(LumenfallUpstreamException), 1, OnPoll: true),
        new("every status poll dropped", m => OnPoll(m, int.MaxValue, f => f with { DropConnection = true }), typeof(LumenfallNetworkException), 1, OnPoll: true),
        new("every status body cut in half", m => OnPoll(m, int.MaxValue, f => f with { TruncatedJson = true }), typeof(LumenfallUnexpectedResponseException), 1, OnPoll: true),
    }.ToDictionary(k => k.Name);

    /// <summary>A Retry-After header as services send it, with the millisecond form (which the SDK prefers) keeping the matrix fast.</summary>
    private static Dictionary<string, string> ShortRetryAfter => new() { ["Retry-After"] = "1", ["retry-after-ms"] = "30" };

    private const string RateLimitedBody = """{"error":{"message":"Rate limited by the emulator","type":"rate_limit_error","code":"RATE_LIMITED"}}""";

    private const string UnavailableBody = """{"error":{"message":"Temporarily unavailable","type":"server_error"}}""";

    private LumenfallEmulator Emulator => fixture.Emulator;

    /// <summary>Every meaningful (mode, fault) pair: status-poll faults only where there are status polls.</summary>
    public static TheoryData<string, string> Cells()
    {
        var cells = new TheoryData<string, string>();
        foreach (Mode mode in Modes.Values)
        {
            foreach (Kind kind in Kinds.Values.Where(k => (!k.OnPoll || mode.Queued) && (k.AppliesTo?.Invoke(mode) ?? true)))
            {
                cells.Add(mode.Name, kind.Name);
            }
        }

        return cells;
    }

    [Fact]
    public void The_matrix_covers_at_least_ten_fault_kinds_in_each_of_the_five_modes()
    {
        var cells = Cells().Select(c => ((string)c[0], (string)c[1])).ToList();

        cells.Select(c => c.Item1).Distinct().Should().HaveCount(5);
        cells.GroupBy(c => c.Item1).Should().OnlyContain(g => g.Count() >= 10);
        cells.Should().HaveCountGreaterThanOrEqualTo(40);
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public async Task A_fault_ends_as_the_contract_says(string modeName, string kindName)
    {
        Mode mode = Modes[modeName];
        Kind kind = Kinds[kindName];
        Emulator.Faults.Clear();
        int from = Emulator.Requests.Count;
        Emulator.Faults.Add(kind.Fault(mode));
        ImageClient client = fixture.Client(o =>
        {
            mode.Configure(o);
            if (kind.ShortGenerationTimeout)
            {
                o.For(mode.Service).GenerationTimeout = ShortTimeout;
            }
        });

        var clock = Stopwatch.StartNew();
        ImageGenerationResult? result = null;
        Exception? failure = null;
        try
        {
            result = await client.GenerateAsync(mode.Request("fault matrix " + Guid.NewGuid().ToString("N"))).WaitAsync(Guard);
        }
        catch (Exception ex) when (ex is not TimeoutException)
        {
            failure = ex;
        }
        finally
        {
            Emulator.Faults.Clear();
        }

        clock.Stop();
        List<EmulatorRequest> requests = [.. Emulator.Requests.Skip(from)];
        List<EmulatorRequest> posts = requests.Where(r => r.Method == "POST" && r.Path == mode.BillablePath).ToList();

        // The billable POST was sent exactly as often as the contract allows, every attempt under one client request id.
        // A timeout as short as the slow-answer cell's may fire before a loaded machine even delivers the POST: at most one.
        if (kind.ShortGenerationTimeout)
        {
            posts.Count.Should().BeLessThanOrEqualTo(kind.Posts, "at most {0} billable POST(s) may reach the service for this fault", kind.Posts);
        }
        else
        {
            posts.Should().HaveCount(kind.Posts, "{0} billable POST(s) may reach the service for this fault", kind.Posts);
        }

        posts.Select(p => p.ClientRequestId).Distinct().Should().HaveCountLessThanOrEqualTo(1, "a retry resends the same call, with the same X-Client-Request-Id");

        if (kind.Throws is null)
        {
            failure.Should().BeNull("this fault is retried or waited out and the call succeeds, but it threw {0}", failure);
            result!.Images.Should().NotBeEmpty();
            result.Service.Should().Be(mode.Service);
            if (!mode.Queued)
            {
                result.ClientRequestId.Should().Be(posts[0].ClientRequestId);
            }

            return;
        }

        failure.Should().NotBeNull("this fault must fail the call with {0}", kind.Throws.Name);
        failure.Should().BeOfType(kind.Throws, "the contract maps this fault to {0}; got {1}", kind.Throws.Name, failure);
        var error = (LumenfallException)failure!;
        error.Service.Should().Be(mode.Service);
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), "no failure waits long (least of all for an hour-long Retry-After)");
        kind.Check?.Invoke(mode, error);

        if (kind.AcceptedId is not null)
        {
            // The submit reply named a job but nothing usable to follow it with: the failure names the job. (Whether
            // it surfaces at the submit or at the first status look is the SDK's choice, so no client request id is required.)
            error.OperationId.Should().Be(kind.AcceptedId);
            error.RehydrationToken.Should().NotBeNullOrEmpty("a failure after the submit was accepted carries the token");
            return;
        }

        error.ClientRequestId.Should().NotBeNullOrEmpty("every failure names its call");
        requests.Should().Contain(r => r.ClientRequestId == error.ClientRequestId, "the client request id is the one the failing request carried");
        if (!kind.OnPoll)
        {
            // The POST itself failed: the failure names that POST, and no job (none was accepted).
            error.ClientRequestId.Should().Be(posts[0].ClientRequestId);
            error.OperationId.Should().BeNull("no job was accepted");
            return;
        }

        // The job was accepted before the status polls failed: the failure names it and resumes it.
        error.OperationId.Should().NotBeNullOrEmpty("a failure after the submit was accepted carries the operation id");
        error.RehydrationToken.Should().NotBeNullOrEmpty("a failure after the submit was accepted carries the rehydration token");
        requests.Should().Contain(r => r.Method == "GET" && r.Path.Contains(error.OperationId!, StringComparison.Ordinal), "the operation id is the job that was polled");

        ImageGenerationResult resumed = await fixture.Client(mode.Configure).ResumeOperation(error.RehydrationToken!).WaitForCompletionAsync().WaitAsync(Guard);

        resumed.Images.Should().NotBeEmpty();
        resumed.RequestId.Should().Be(error.OperationId);
        Emulator.Requests.Skip(from).Count(r => r.Method == "POST" && r.Path == mode.BillablePath).Should().Be(1, "resuming never submits again");
    }

    private static EmulatorFault OnPost(Mode mode, HttpStatusCode status, string body, Dictionary<string, string>? headers = null) => new()
    {
        Method = "POST",
        PathContains = mode.BillablePath,
        StatusCode = status,
        Body = body,
        Headers = headers ?? [],
    };

    private static EmulatorFault OnPoll(Mode mode, int times, Func<PollFault, PollFault> shape)
    {
        PollFault fault = shape(new PollFault());
        return new EmulatorFault
        {
            Method = "GET",
            PathContains = mode.StatusPath,
            Times = times,
            StatusCode = fault.StatusCode,
            Body = fault.Body,
            DropConnection = fault.DropConnection,
            MalformedJson = fault.MalformedJson,
            TruncatedJson = fault.TruncatedJson,
            CutBodyAfterBytes = fault.CutBodyAfterBytes,
        };
    }

    /// <summary>A well-formed success reply of the mode's shape whose only image URL is a placeholder, not a URL.</summary>
    private static string UnusableImageUrlBody(Mode mode) => mode.Service switch
    {
        ImageService.Fal => """{"images":[{"url":"string","content_type":"image/jpeg"}],"seed":1}""",
        _ => """{"created":1750000000,"data":[{"url":"string"}]}""",
    };

    /// <summary>How a client reaches one service: its request, its options, and the paths of its billable POST and status polls.</summary>
    private sealed record Mode(string Name, ImageService Service, string BillablePath, string? StatusPath, Action<LumenfallOptions> Configure, Func<string, ImageRequest> Request)
    {
        public bool Queued => StatusPath is not null;
    }

    /// <summary>
    /// One fault and what the contract says it ends in: success (<paramref name="Throws"/> null) or that exact
    /// exception type, after exactly <paramref name="Posts"/> billable POSTs.
    /// </summary>
    private sealed record Kind(
        string Name,
        Func<Mode, EmulatorFault> Fault,
        Type? Throws,
        int Posts,
        bool OnPoll = false,
        bool ShortGenerationTimeout = false,
        Func<Mode, bool>? AppliesTo = null,
        string? AcceptedId = null,
        Action<Mode, LumenfallException>? Check = null);

    /// <summary>The shape of a status-poll fault, before it is aimed at a mode's status path.</summary>
    private sealed record PollFault(HttpStatusCode? StatusCode = null, string? Body = null, bool DropConnection = false, bool MalformedJson = false, bool TruncatedJson = false, int? CutBodyAfterBytes = null);
}
