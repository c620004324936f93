using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Lumenfall.Sdk.Testing.Fakes;
using Lumenfall.Sdk.Tests.TestSupport;

namespace Lumenfall.Sdk.Tests.Fuzz;

/// <summary>
/// The state of one running case: which step each request belongs to, how many replies each step has had, what
/// was sent and answered, and anything the harness itself got wrong (reported apart from the SDK's failures).
/// </summary>
internal sealed class FuzzRun(HostileCase fuzzCase, TestClock time)
{
    private readonly Dictionary<Step, int> _hostileCount = [];
    private readonly Dictionary<Step, int> _validCount = [];
    private readonly Dictionary<string, Step> _registry = new(StringComparer.Ordinal);
    private int _parked;

    public HostileCase Case { get; } = fuzzCase;

    public CaseContext Context { get; } = HostileResponses.ContextOf(fuzzCase);

    public TestClock Time { get; } = time;

    public List<string> Transcript { get; } = [];

    public List<Exception> HarnessErrors { get; } = [];

    /// <summary>Gets or sets the phase the scenario is in: the SDK call, the cancel, or the image download.</summary>
    public string Phase { get; set; } = "call";

    /// <summary>Gets whether a fal queue or OmniRouters async submit was answered with the valid reply (so the job has an id).</summary>
    public bool OperationIdGiven { get; private set; }

    /// <summary>Gets how many requests were answered on a thread other than the driver's (inline execution expected).</summary>
    public int OffThreadRequests { get; private set; }

    public int DriverThread { get; set; }

    /// <summary>Gets how many reads or sends are waiting for their token, with nothing else to end them.</summary>
    public int Parked => Volatile.Read(ref _parked);

    /// <summary>Gets a reason when the SDK did something that can only block forever (a synchronous read of an endless body).</summary>
    public string? Blocked { get; set; }

    public int Requests { get; private set; }

    public void Park() => Interlocked.Increment(ref _parked);

    public void Unpark() => Interlocked.Decrement(ref _parked);

    /// <summary>Decides the reply for a request: hostile while the target step has hostile replies left, else valid.</summary>
    public ReplySpec Answer(HttpRequestMessage request, out Step step)
    {
        Requests++;
        if (Environment.CurrentManagedThreadId != DriverThread)
        {
            OffThreadRequests++;
        }

        step = Classify(request);
        ReplySpec reply;
        if (step == Case.Target && Case.Hostile is { } hostile && _hostileCount.GetValueOrDefault(step) < Case.HostileTimes)
        {
            _hostileCount[step] = _hostileCount.GetValueOrDefault(step) + 1;
            reply = hostile;
        }
        else
        {
            int index = _validCount.GetValueOrDefault(step);
            _validCount[step] = index + 1;
            reply = ValidReplies.For(Context, step, index);
            if (step is Step.FalSubmit or Step.OmniSubmit)
            {
                OperationIdGiven = true;
            }
        }

        foreach ((string mention, Step mentioned) in reply.Mentions)
        {
            _registry.TryAdd(mention, mentioned);
        }

        string url = request.RequestUri!.AbsoluteUri;
        Transcript.Add(string.Create(CultureInfo.InvariantCulture,
            $"#{Requests} +{Time.GetUtcNow() - FuzzDriver.Epoch} {request.Method} {ReplySpec.Preview(url, 160)} → {step}: {(reply.Hostile ? "HOSTILE " : string.Empty)}{ReplySpec.Preview(reply.Kind, 100)}"));
        return reply;
    }

    /// <summary>Remembers where a redirect points, so the request that follows it belongs to the same step.</summary>
    public void Register(Uri target, Step step) => _registry.TryAdd(target.AbsoluteUri, step);

    private Step Classify(HttpRequestMessage request)
    {
        Uri uri = request.RequestUri!;
        string path = uri.AbsolutePath;
        string method = request.Method.Method;
        bool eventStream = request.Headers.Accept.Any(a => a.MediaType == "text/event-stream");
        if (eventStream || path.EndsWith("/status/stream", StringComparison.Ordinal))
        {
            return Step.FalStatusStream;
        }

        if (method == "PUT" && path.EndsWith("/cancel", StringComparison.Ordinal))
        {
            return Step.FalCancel;
        }

        if (method == "GET" && path.EndsWith("/status", StringComparison.Ordinal))
        {
            return Step.FalStatus;
        }

        if (_registry.TryGetValue(uri.AbsoluteUri, out Step known) || _registry.TryGetValue(uri.GetLeftPart(UriPartial.Path), out known))
        {
            return known;
        }

        string host = uri.Host;
        switch (host)
        {
            case "api.lumenfall.ai":
                if (method == "POST")
                {
                    return uri.Query.Contains("dryRun", StringComparison.Ordinal) ? Step.Cost
                        : path.EndsWith("/images/edits", StringComparison.Ordinal) ? Step.LumenfallEdit
                        : Step.LumenfallGenerate;
                }

                return path.EndsWith("/models", StringComparison.Ordinal) ? Step.Models
                    : uri.Query.Contains("schema=true", StringComparison.Ordinal) ? Step.ModelSchema
                    : path.Contains("/models/", StringComparison.Ordinal) ? Step.Model
                    : Step.Unknown;
            case "fal.run":
                return method == "POST" ? Step.FalSync : Step.Unknown;
            case "rest.fal.ai":
                return path.Contains("/storage/upload/initiate", StringComparison.Ordinal) ? Step.UploadInitiate : Step.Unknown;
            case "queue.fal.run":
                return method == "POST" ? Step.FalSubmit : method == "GET" ? Step.FalResult : Step.Unknown;
            case "omnirouters.com":
                return method == "POST"
                    ? (uri.Query.Contains("async=true", StringComparison.Ordinal) ? Step.OmniSubmit : Step.OmniSync)
                    : path.Contains("/images/generations/", StringComparison.Ordinal) ? Step.OmniTask : Step.Unknown;
            default:
                return method == "PUT" ? Step.UploadPut : method == "GET" ? Step.Download : Step.Unknown;
        }
    }
}

/// <summary>
/// The innermost handler of every client in a case: answers each request from the case's script, throws the
/// case's fault, or never answers. Like SocketsHttpHandler it refuses schemes other than http and https.
/// </summary>
internal sealed class FuzzHandler(FuzzRun run) : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ReplySpec reply;
        Step step;
        HttpResponseMessage response;
        try
        {
            if (request.RequestUri is not { IsAbsoluteUri: true } uri || uri.Scheme is not ("http" or "https"))
            {
                run.Transcript.Add($"#- {request.Method} {ReplySpec.Preview(request.RequestUri?.ToString() ?? "(none)", 160)} → refused like SocketsHttpHandler (NotSupportedException)");
                return Task.FromException<HttpResponseMessage>(new NotSupportedException($"The '{request.RequestUri?.Scheme}' scheme is not supported."));
            }

            if (cancellationToken.IsCancellationRequested)
            {
                return Task.FromCanceled<HttpResponseMessage>(cancellationToken);
            }

            reply = run.Answer(request, out step);
            if (reply.Fault is FaultKind fault)
            {
                return Fail(fault, reply, cancellationToken);
            }

            response = Build(request, reply, step);
        }
        catch (Exception ex)
        {
            // A bug of the harness, never a hostile reply: reported apart, and the case fails as a harness error.
            run.HarnessErrors.Add(ex);
            throw new FuzzHarnessException("the fuzz handler failed", ex);
        }

        return Task.FromResult(response);
    }

    private Task<HttpResponseMessage> Fail(FaultKind fault, ReplySpec reply, CancellationToken cancellationToken)
    {
        string message = string.IsNullOrEmpty(reply.FaultMessage) ? "An error occurred while sending the request." : reply.FaultMessage;
        return fault switch
        {
            FaultKind.HttpRequest => Task.FromException<HttpResponseMessage>(new HttpRequestException(reply.FaultError, message,
                reply.FaultError == HttpRequestError.ConnectionError ? new SocketException((int)SocketError.ConnectionRefused) : null)),
            FaultKind.TimeoutCanceled => Task.FromException<HttpResponseMessage>(new TaskCanceledException(
                "The request was canceled due to the configured HttpClient.Timeout of 100 seconds elapsing.",
                new TimeoutException("A connection attempt failed because the connected party did not properly respond after a period of time."))),
            FaultKind.IO => Task.FromException<HttpResponseMessage>(new IOException("Unable to read data from the transport connection: Connection reset by peer.")),
            FaultKind.HttpIO => Task.FromException<HttpResponseMessage>(new HttpRequestException(HttpRequestError.ResponseEnded,
                "An error occurred while sending the request.", new HttpIOException(HttpRequestError.ResponseEnded, "The response ended prematurely."))),
            FaultKind.PlainCanceled => Task.FromException<HttpResponseMessage>(new OperationCanceledException()),
            _ => Park<HttpResponseMessage>(run, cancellationToken),
        };
    }

    /// <summary>A task that ends only when <paramref name="cancellationToken"/> is canceled, as a connection that never answers.</summary>
    public static Task<T> Park<T>(FuzzRun run, CancellationToken cancellationToken)
    {
        var parked = new TaskCompletionSource<T>();
        run.Park();
        cancellationToken.Register(() =>
        {
            run.Unpark();
            parked.TrySetCanceled(cancellationToken);
        });
        return parked.Task;
    }

    private HttpResponseMessage Build(HttpRequestMessage request, ReplySpec reply, Step step)
    {
        var response = new HttpResponseMessage((HttpStatusCode)reply.Status)
        {
            RequestMessage = request,
            Content = new FuzzContent(reply, run),
        };
        if (reply.Reason is not null)
        {
            response.ReasonPhrase = reply.Reason;
        }

        foreach ((string name, string value) in reply.Headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        foreach ((string name, string value) in reply.ContentHeaders)
        {
            response.Content.Headers.TryAddWithoutValidation(name, value);
        }

        string? location = reply.Location switch
        {
            LocationKind.Self => request.RequestUri!.AbsoluteUri,
            LocationKind.Literal => reply.LocationText,
            _ => null,
        };
        if (location is not null)
        {
            response.Headers.TryAddWithoutValidation("Location", location);
            if (Uri.TryCreate(request.RequestUri, location, out Uri? target) && target.IsAbsoluteUri)
            {
                run.Register(target, step);
            }
        }

        return response;
    }
}

/// <summary>A response body played from a <see cref="ReplySpec"/>: its bytes, its declared length, and how it ends.</summary>
internal sealed class FuzzContent(ReplySpec reply, FuzzRun run) : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) =>
        new FuzzBodyStream(reply, run).CopyToAsync(stream);

    protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context, CancellationToken cancellationToken) =>
        new FuzzBodyStream(reply, run).CopyToAsync(stream, cancellationToken);

    protected override bool TryComputeLength(out long length)
    {
        if (reply.DeclaredLength is long declared)
        {
            length = declared;
            return true;
        }

        length = reply.Body.Length;
        return reply.End is not BodyEnd.NeverEnds;
    }

    protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromResult<Stream>(new FuzzBodyStream(reply, run));

    protected override Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) => CreateContentReadStreamAsync();
}

/// <summary>
/// Reads a reply's bytes (in chunks when asked), then ends as the reply says: cleanly, with a reset, short of its
/// declared length, or never — a read then waits until its token is canceled.
/// </summary>
internal sealed class FuzzBodyStream(ReplySpec reply, FuzzRun run) : ForwardOnlyStream
{
    public override int Read(Span<byte> buffer)
    {
        if (Deliver(buffer) is int read)
        {
            return read;
        }

        if (reply.End == BodyEnd.NeverEnds)
        {
            run.Blocked = "a synchronous read of a body that never ends";
            throw new FuzzHarnessException(run.Blocked, null);
        }

        throw End();
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<int>(cancellationToken);
        }

        if (Deliver(buffer.Span) is int read)
        {
            return ValueTask.FromResult(read);
        }

        return reply.End == BodyEnd.NeverEnds
            ? new ValueTask<int>(FuzzHandler.Park<int>(run, cancellationToken))
            : ValueTask.FromException<int>(End());
    }

    /// <summary>Copies the next bytes, or 0 at a clean end; null when the body now breaks or stalls.</summary>
    private int? Deliver(Span<byte> buffer)
    {
        int limit = reply.End is BodyEnd.ResetIOException or BodyEnd.ResetHttpIOException or BodyEnd.NeverEnds or BodyEnd.UndecodableInvalidData
            ? Math.Min(reply.CutAt, reply.Body.Length)
            : reply.Body.Length;
        if (Consumed < limit)
        {
            int count = Math.Min(buffer.Length, limit - Consumed);
            if (reply.ChunkSize > 0)
            {
                count = Math.Min(count, reply.ChunkSize);
            }

            reply.Body.AsSpan(Consumed, count).CopyTo(buffer);
            Consumed += count;
            return count;
        }

        return buffer.IsEmpty || reply.End is BodyEnd.Normal or BodyEnd.ShortOfDeclaredClean ? 0 : null;
    }

    private Exception End() => reply.End switch
    {
        BodyEnd.ResetIOException => new IOException("Unable to read data from the transport connection: Connection reset by peer.", new SocketException((int)SocketError.ConnectionReset)),
        BodyEnd.ResetHttpIOException => new HttpIOException(HttpRequestError.ResponseEnded, "The response ended prematurely."),
        BodyEnd.UndecodableInvalidData => new InvalidDataException("The archive entry was compressed using an unsupported compression method."),
        _ => new HttpIOException(HttpRequestError.ResponseEnded,
            $"The response ended prematurely, with at least {(reply.DeclaredLength ?? 0) - Consumed} additional bytes expected."),
    };
}

/// <summary>Thrown when the harness itself fails; such a case is reported as a harness error, never as an SDK escape.</summary>
internal sealed class FuzzHarnessException(string message, Exception? inner) : Exception(message, inner);
