namespace Lumenfall.Sdk.Http;

/// <summary>
/// Adds the key (and the call's extra headers) a request carries only while the request is on the origin of the URL
/// the SDK built for it from a configured endpoint and ids (<see cref="CallState.KeyedOrigin"/>). A URL a server or a
/// rehydration token gave (an upload target, a CDN image, a redirect elsewhere) never sees the key. The handler holds
/// no settings of its own, so under a host it can never pair one client's endpoints with another configuration's key.
/// </summary>
internal sealed class AuthorizationHandler : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = null;
        if (CallState.Of(request) is not { } state)
        {
            return base.SendAsync(request, cancellationToken);
        }

        bool keyed = state.IsKeyed(request.RequestUri);
        if (keyed && state.Settings.Authorization is { } authorization)
        {
            request.Headers.Authorization = authorization;
        }

        // Every hop is checked again, so a redirect, an upload URL or a status URL elsewhere never receives them.
        if (state.Settings.Headers is { Count: > 0 } headers)
        {
            foreach ((string name, string value) in headers)
            {
                request.Headers.Remove(name);
                if (keyed)
                {
                    request.Headers.TryAddWithoutValidation(name, value);
                }
            }
        }

        return base.SendAsync(request, cancellationToken);
    }
}
