using System.Net.Http.Headers;

namespace Lumenfall.Sdk.Http;

/// <summary>
/// Adds the service's <c>Authorization</c> header only to requests for the service's own hosts (same scheme,
/// host and port as a configured endpoint). Image downloads, CDN URLs and redirects elsewhere never see the key.
/// </summary>
internal sealed class AuthorizationHandler : DelegatingHandler
{
    private readonly string _scheme;
    private readonly Func<string?> _apiKey;
    private readonly Func<IReadOnlyList<Uri>> _endpoints;

    /// <param name="scheme"><c>Bearer</c> for Lumenfall and OmniRouters, <c>Key</c> for fal.</param>
    /// <param name="apiKey">Reads the current key (options can change before the client is built).</param>
    /// <param name="endpoints">The service's base URLs.</param>
    public AuthorizationHandler(string scheme, Func<string?> apiKey, Func<IReadOnlyList<Uri>> endpoints)
    {
        _scheme = scheme;
        _apiKey = apiKey;
        _endpoints = endpoints;
    }

    /// <summary>Whether <paramref name="uri"/> is on one of <paramref name="endpoints"/>' hosts.</summary>
    public static bool IsOwnHost(Uri? uri, IReadOnlyList<Uri> endpoints) =>
        uri is not null && endpoints.Any(e =>
            string.Equals(e.Scheme, uri.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(e.IdnHost, uri.IdnHost, StringComparison.OrdinalIgnoreCase)
            && e.Port == uri.Port);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = null;
        string? key = _apiKey();
        if (!string.IsNullOrEmpty(key) && IsOwnHost(request.RequestUri, _endpoints()))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue(_scheme, key);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
