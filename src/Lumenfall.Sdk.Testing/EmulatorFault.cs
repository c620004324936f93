using System.Collections.Concurrent;
using System.Net;

namespace Lumenfall.Sdk.Testing;

/// <summary>
/// A failure the emulator injects into the next matching request(s): a status with headers and body, a delay, a
/// dropped connection, malformed or truncated JSON, or a body cut short of its declared length.
/// </summary>
public sealed class EmulatorFault
{
    /// <summary>Gets or sets the HTTP method to match; null matches any.</summary>
    public string? Method { get; init; }

    /// <summary>Gets or sets text the request path must contain (for example <c>/images/generations</c>); null matches any.</summary>
    public string? PathContains { get; init; }

    /// <summary>Gets or sets how many matching requests the fault applies to (default 1).</summary>
    public int Times { get; init; } = 1;

    /// <summary>Gets or sets the status to answer with instead of the real response.</summary>
    public HttpStatusCode? StatusCode { get; init; }

    /// <summary>Gets or sets headers to send with <see cref="StatusCode"/>, for example <c>Retry-After</c>.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets or sets the body to send with <see cref="StatusCode"/> (JSON).</summary>
    public string? Body { get; init; }

    /// <summary>Gets or sets a delay before the request is handled (real time, on the server).</summary>
    public TimeSpan? Delay { get; init; }

    /// <summary>Gets or sets whether to drop the connection without an answer.</summary>
    public bool DropConnection { get; init; }

    /// <summary>Gets or sets whether to answer 200 with JSON that does not parse.</summary>
    public bool MalformedJson { get; init; }

    /// <summary>
    /// Gets or sets whether to cut the real response body in half. The answer is complete as HTTP (no declared
    /// length, properly ended): only its JSON is cut short.
    /// </summary>
    public bool TruncatedJson { get; init; }

    /// <summary>
    /// Gets or sets a cut in transit: the response (the real one, or <see cref="Body"/> with <see cref="StatusCode"/>)
    /// is sent with its full <c>Content-Length</c> declared but only this many bytes of its body, and then the
    /// connection closes, as when a connection drops mid-download. Values beyond the body keep at least its last
    /// byte back; null (the default) sends the whole body.
    /// </summary>
    public int? CutBodyAfterBytes { get; init; }

    /// <summary>A 429 with <c>Retry-After</c> in seconds.</summary>
    /// <param name="retryAfterSeconds">The wait to ask for.</param>
    /// <param name="pathContains">Which requests it hits.</param>
    /// <returns>The fault.</returns>
    public static EmulatorFault RateLimited(int retryAfterSeconds, string? pathContains = null) => new()
    {
        PathContains = pathContains,
        StatusCode = HttpStatusCode.TooManyRequests,
        Headers = new Dictionary<string, string> { ["Retry-After"] = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        Body = """{"error":{"message":"Rate limited by the emulator","type":"rate_limit_error","code":"RATE_LIMITED"}}""",
    };

    internal bool Matches(string method, string path) =>
        (Method is null || string.Equals(Method, method, StringComparison.OrdinalIgnoreCase))
        && (PathContains is null || path.Contains(PathContains, StringComparison.OrdinalIgnoreCase));
}

/// <summary>The faults waiting to be injected, consumed in the order they were added.</summary>
public sealed class EmulatorFaults
{
    private readonly object _gate = new();
    private readonly List<(EmulatorFault Fault, int Remaining)> _faults = [];
    private readonly ConcurrentQueue<(string Message, string Type)> _jobFailures = new();

    /// <summary>Adds a fault.</summary>
    /// <param name="fault">The fault.</param>
    public void Add(EmulatorFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        lock (_gate)
        {
            _faults.Add((fault, fault.Times));
        }
    }

    /// <summary>Makes the next queued job (fal queue or OmniRouters task) finish with an error instead of images.</summary>
    /// <param name="message">The error message.</param>
    /// <param name="errorType">fal's <c>error_type</c> / OmniRouters' error code.</param>
    public void FailNextJob(string message, string errorType = "runner_server_error") => _jobFailures.Enqueue((message, errorType));

    /// <summary>Removes every pending fault.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _faults.Clear();
        }

        _jobFailures.Clear();
    }

    internal EmulatorFault? Take(string method, string path)
    {
        lock (_gate)
        {
            int index = _faults.FindIndex(f => f.Remaining > 0 && f.Fault.Matches(method, path));
            if (index < 0)
            {
                return null;
            }

            (EmulatorFault fault, int remaining) = _faults[index];
            if (remaining <= 1)
            {
                _faults.RemoveAt(index);
            }
            else
            {
                _faults[index] = (fault, remaining - 1);
            }

            return fault;
        }
    }

    internal (string Message, string Type)? TakeJobFailure() => _jobFailures.TryDequeue(out var failure) ? failure : null;
}

/// <summary>One request the emulator received.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path, for example <c>/lumenfall/openai/v1/images/generations</c>.</param>
/// <param name="Query">The query string, with its <c>?</c>, or empty.</param>
/// <param name="Authorization">The authorization scheme sent (<c>Bearer</c>, <c>Key</c>) or null; never the key.</param>
/// <param name="ContentType">The request's content type.</param>
/// <param name="ClientRequestId">The SDK's <c>X-Client-Request-Id</c>.</param>
public sealed record EmulatorRequest(string Method, string Path, string Query, string? Authorization, string? ContentType, string? ClientRequestId);
