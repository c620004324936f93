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
    public static readonly HttpRequestOptionsKey<CallSettings> Key = new("Lumenfall.Sdk.CallSettings");
}
