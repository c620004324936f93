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

    /// <summary>Gets or sets a delay before the request is handled, on the emulator's clock (<see cref="EmulatorOptions.TimeProvider"/>; real time by default).</summary>
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
