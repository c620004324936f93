using System.Net;
using System.Net.Http.Headers;

namespace Lumenfall.Sdk.Http;

/// <summary>
/// What the handlers need to know about a client's requests to one service, taken from the client's frozen options
/// (and the call's <see cref="RequestOptions"/>), so that a handler never reads settings that could disagree with the
/// client's: the key, how requests are retried, and the clock.
/// </summary>
/// <param name="AuthScheme"><c>Bearer</c> or <c>Key</c>; null for a request that carries no key (downloads).</param>
/// <param name="ApiKey">The key, or null.</param>
/// <param name="Endpoints">The base URLs the SDK builds its keyed URLs from.</param>
/// <param name="Retry">How the requests are retried.</param>
/// <param name="Time">The client's clock.</param>
/// <param name="Headers">The call's extra headers (<see cref="RequestOptions.Headers"/>): sent, like the key, only where the key goes.</param>
/// <param name="Unprocessed503">
/// Whether the service documents that a 503 means nothing was processed, so a billable POST answered 503 with
/// <c>Retry-After</c> may be sent again (fal: "5xx failures are not billed", and its 503 error types name a runner
/// that never took the request). Lumenfall and OmniRouters document nothing of the kind.
/// </param>
internal sealed record CallSettings(
    string? AuthScheme, string? ApiKey, IReadOnlyList<Uri> Endpoints, RetryOptions Retry, TimeProvider Time,
    IReadOnlyDictionary<string, string>? Headers = null, bool Unprocessed503 = false)
{
    /// <summary>Settings for a request that carries nothing of a client's (a user's own request through the stack).</summary>
    public static CallSettings Unconfigured { get; } = new(null, null, [], Frozen(new RetryOptions()), TimeProvider.System);

    /// <summary>
    /// The <c>Authorization</c> header for <see cref="ApiKey"/>, built once and shared by every request (header values
    /// are never changed once set); null without a scheme or key. Rebuilt if a copy changed the scheme or key.
    /// </summary>
    public AuthenticationHeaderValue? Authorization =>
        AuthScheme is null || string.IsNullOrEmpty(ApiKey) ? null
        : field is { } header && ReferenceEquals(header.Scheme, AuthScheme) && ReferenceEquals(header.Parameter, ApiKey) ? header
        : field = new AuthenticationHeaderValue(AuthScheme, ApiKey);

    private static RetryOptions Frozen(RetryOptions retry)
    {
        retry.Freeze();
        return retry;
    }
}

/// <summary>
/// One request's state, carried in <see cref="HttpRequestMessage.Options"/> so that a handler which clones the
/// request (hedging, a host's own handler) carries it too: the client's settings, why the request is sent, when the
/// call's timeout runs out, the one origin its key may go to, and how many times a billable request may reach the
/// wire. Clones share this object, so a replay by any handler, wherever it sits, is counted.
/// </summary>
internal sealed class CallState
{
    private static readonly HttpRequestOptionsKey<CallState> Key = new("Lumenfall.Sdk.Call");

    private int _sends;
    private int _allowed = 1;

    public CallState(CallSettings settings, CallPurpose purpose, Uri? keyedUrl = null, long? deadline = null)
    {
        Settings = settings;
        Purpose = purpose;
        KeyedOrigin = keyedUrl;
        Deadline = deadline;
    }

    /// <summary>Gets the settings of the client that sends the request.</summary>
    public CallSettings Settings { get; }

    /// <summary>Gets why the request is sent.</summary>
    public CallPurpose Purpose { get; }

    /// <summary>
    /// Gets the URL the SDK built for this request from a configured endpoint and ids: the key and the call's headers
    /// go only to its scheme, host and port (every redirect hop is checked again). Null: never keyed.
    /// </summary>
    public Uri? KeyedOrigin { get; }

    /// <summary>Gets when the call's timeout runs out (a <see cref="TimeProvider"/> timestamp); null without one.</summary>
    public long? Deadline { get; }

    /// <summary>Gets or sets the status of the first answer (or null after a failure without one), for a refused replay's message.</summary>
    public HttpStatusCode? FirstStatus { get; set; }

    /// <summary>Whether the request is billable and not idempotent: a generation, edit or submit.</summary>
    public bool Billable => Purpose == CallPurpose.Generation;

    /// <summary>Gets how many times the request reached the wire.</summary>
    public int Sends => Volatile.Read(ref _sends);

    /// <summary>
    /// Counts one send at the wire; false when it would be one more than the SDK approved (the first, each retry the
    /// retry pipeline approved, each redirect hop the SDK followed): a replay by some other handler.
    /// </summary>
    public bool TrySend() => Interlocked.Increment(ref _sends) <= Volatile.Read(ref _allowed);

    /// <summary>Approves one more send: a retry the pipeline decided on, or a redirect hop the SDK follows.</summary>
    public void AllowAnotherSend() => Interlocked.Increment(ref _allowed);

    /// <summary>
    /// The state of the GET a redirect turns a POST into (303, or 301/302 after a POST): the same settings, key scope
    /// and deadline, but a read, safe to repeat.
    /// </summary>
    public CallState AsRead() => new(Settings, CallPurpose.Read, KeyedOrigin, Deadline);

    /// <summary>Whether <paramref name="uri"/> is on the origin of <see cref="KeyedOrigin"/>.</summary>
    public bool IsKeyed(Uri? uri) => KeyedOrigin is not null && uri is { IsAbsoluteUri: true } && SameOrigin(uri, KeyedOrigin);

    /// <summary>The state a request carries; null for a request the SDK did not make.</summary>
    public static CallState? Of(HttpRequestMessage request) =>
        request.Options.TryGetValue(Key, out CallState? state) ? state : null;

    /// <summary>Whether a request must be treated as billable: its state says so, and a POST without state is.</summary>
    public static bool IsBillable(HttpRequestMessage request) =>
        Of(request) is { } state ? state.Billable : request.Method == HttpMethod.Post;

    /// <summary>Attaches this state to <paramref name="request"/>.</summary>
    public void AttachTo(HttpRequestMessage request) => request.Options.Set(Key, this);

    /// <summary>Whether an endpoint of <paramref name="endpoints"/> has the scheme, host and port of <paramref name="uri"/>.</summary>
    public static bool IsOnEndpoint(Uri uri, IReadOnlyList<Uri> endpoints)
    {
        for (int i = 0; i < endpoints.Count; i++)
        {
            if (SameOrigin(endpoints[i], uri))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Same scheme, host (compared in its ASCII form, so <c>bücher.example</c> is <c>xn--bcher-kva.example</c>) and port.</summary>
    public static bool SameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;
}
