using System.Net;

namespace Lumenfall.Sdk.Http;

/// <summary>
/// Follows redirects itself (the primary handler must not), so every hop passes the authorization handler again and a
/// redirect to another origin never carries the key. 303 (and 301/302 after a POST) become a GET without body. A hop
/// from https to http is never followed, nor a 307/308 that would carry a billable body to another origin: the
/// redirect itself is returned, and the caller sees it as the service's answer.
/// </summary>
internal sealed class RedirectHandler : DelegatingHandler
{
    private const int MaxRedirects = 5;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        for (int hop = 0; hop < MaxRedirects && IsRedirect(response.StatusCode) && response.Headers.Location is { } location; hop++)
        {
            Uri from = request.RequestUri!;
            Uri target = location.IsAbsoluteUri ? location : new Uri(from, location);
            bool toGet = response.StatusCode == HttpStatusCode.SeeOther
                || (response.StatusCode is HttpStatusCode.Moved or HttpStatusCode.Found && request.Method == HttpMethod.Post);
            if (!MayFollow(request, from, target, keepsBody: !toGet))
            {
                break;
            }

            response.Dispose();
            request.RequestUri = target;
            CallState? state = CallState.Of(request);
            if (toGet)
            {
                request.Method = HttpMethod.Get;
                request.Content?.Dispose();
                request.Content = null;
                state?.AsRead().AttachTo(request);   // fetching where the answer was moved is a read, safe to repeat
            }
            else
            {
                state?.AllowAnotherSend();   // the hop sends the request once more, on purpose
            }

            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        return response;
    }

    /// <summary>
    /// Whether a hop from <paramref name="from"/> to <paramref name="target"/> may be taken: http(s) only, never down
    /// from https to http, and a request that keeps its body (307/308) stays on its origin when it is billable.
    /// </summary>
    internal static bool MayFollow(HttpRequestMessage request, Uri from, Uri target, bool keepsBody)
    {
        if (target.Scheme is not ("http" or "https") || (from.Scheme == Uri.UriSchemeHttps && target.Scheme != Uri.UriSchemeHttps))
        {
            return false;
        }

        return CallState.SameOrigin(from, target) || !keepsBody || request.Content is null || !CallState.IsBillable(request);
    }

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.Moved or HttpStatusCode.Found or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;
}
