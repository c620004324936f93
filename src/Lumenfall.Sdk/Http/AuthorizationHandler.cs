using System.Net.Http.Headers;

namespace Lumenfall.Sdk.Http;

/// <summary>
/// Adds the key (and the call's extra headers) a request carries (its <see cref="CallSettings"/>, from the client that
/// sent it) only when the request goes to one of that service's own hosts (same scheme, host and port as a configured endpoint). Image downloads, CDN
/// URLs and redirects elsewhere never see the key. The handler holds no settings of its own, so under a host it can
/// never pair one client's endpoints with another configuration's key.
/// </summary>
internal sealed class AuthorizationHandler : DelegatingHandler
{
    /// <summary>Whether <paramref name="uri"/> is on one of <paramref name="endpoints"/>' hosts.</summary>
    public static bool IsOwnHost(Uri? uri, IReadOnlyList<Uri> endpoints)
    {
        if (uri is null)
        {
            return false;
        }

        for (int i = 0; i < endpoints.Count; i++)
        {
            Uri endpoint = endpoints[i];
            if (string.Equals(endpoint.Scheme, uri.Scheme, StringComparison.OrdinalIgnoreCase)
                && string.Equals(endpoint.IdnHost, uri.IdnHost, StringComparison.OrdinalIgnoreCase)
                && endpoint.Port == uri.Port)
            {
                return true;
            }
        }

        return false;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = null;
        if (CallRequest.SettingsOf(request) is not { } settings)
        {
            return base.SendAsync(request, cancellationToken);
        }

        bool own = IsOwnHost(request.RequestUri, settings.Endpoints);
        if (own && settings.Authorization is { } authorization)
        {
            request.Headers.Authorization = authorization;
        }

        // A call's extra headers follow the key's rule: every hop is checked again, so a redirect, an upload URL or a
        // status URL on another host never receives them.
        if (settings.Headers is { Count: > 0 } headers)
        {
            foreach ((string name, string value) in headers)
            {
                request.Headers.Remove(name);
                if (own)
                {
                    request.Headers.TryAddWithoutValidation(name, value);
                }
            }
        }

        return base.SendAsync(request, cancellationToken);
    }
}
