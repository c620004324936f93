using System.Net.Http.Headers;

namespace Lumenfall.Sdk.Http;

/// <summary>
/// What the handlers need to know about one request, taken from the client's frozen options (and the call's
/// <see cref="RequestOptions"/>) and carried on the request itself, so that a handler never reads settings that
/// could disagree with the client's: the key and the hosts it may go to, and how the request is retried.
/// </summary>
/// <param name="AuthScheme"><c>Bearer</c> or <c>Key</c>; null for a request that carries no key (downloads).</param>
/// <param name="ApiKey">The key, or null.</param>
/// <param name="Endpoints">The base URLs the key may be sent to.</param>
/// <param name="Retry">How the request is retried.</param>
/// <param name="Time">The client's clock.</param>
/// <param name="Headers">The call's extra headers (<see cref="RequestOptions.Headers"/>): sent, like the key, only to the service's own hosts.</param>
internal sealed record CallSettings(
    string? AuthScheme, string? ApiKey, IReadOnlyList<Uri> Endpoints, RetryOptions Retry, TimeProvider Time, IReadOnlyDictionary<string, string>? Headers = null)
{
    /// <summary>
    /// The <c>Authorization</c> header for <see cref="ApiKey"/>, built once and shared by every request (header values
    /// are never changed once set); null without a scheme or key. Rebuilt if a copy changed the scheme or key.
    /// </summary>
    public AuthenticationHeaderValue? Authorization =>
        AuthScheme is null || string.IsNullOrEmpty(ApiKey) ? null
        : field is { } header && ReferenceEquals(header.Scheme, AuthScheme) && ReferenceEquals(header.Parameter, ApiKey) ? header
        : field = new AuthenticationHeaderValue(AuthScheme, ApiKey);
}

/// <summary>
/// A request the SDK sends. It carries what the handlers need to know about it as plain fields, not in
/// <see cref="HttpRequestMessage.Options"/> (a dictionary and boxed values per request): its client's settings, why it
/// is sent, and when the call's timeout runs out. A request without them (a user's own handler sending a plain
/// <see cref="HttpRequestMessage"/> through the stack) is treated as unconfigured: no key, billable if it is a POST.
/// </summary>
internal sealed class CallRequest(HttpMethod method, Uri? requestUri) : HttpRequestMessage(method, requestUri)
{
    public CallRequest(HttpMethod method, string requestUri)
        : this(method, new Uri(requestUri, UriKind.RelativeOrAbsolute))
    {
    }

    /// <summary>Gets or sets the settings of the client that sends the request.</summary>
    public CallSettings? Settings { get; set; }

    /// <summary>Gets or sets why the request is sent; null when unknown.</summary>
    public CallPurpose? Purpose { get; set; }

    /// <summary>Gets or sets when the call's timeout runs out (a <see cref="TimeProvider"/> timestamp); null without one.</summary>
    public long? Deadline { get; set; }

    public static CallSettings? SettingsOf(HttpRequestMessage request) => (request as CallRequest)?.Settings;
}
