namespace Lumenfall.Sdk.Http;

/// <summary>
/// The SDK's outermost handler: a billable request (generation, edit, submit) passes it once. A handler a host put
/// around every <see cref="HttpClient"/> (a retry, hedging, its own attempt timeout) that sends the request again,
/// or a clone of it, is refused here before anything reaches the wire, so the POST is billed once whatever the host
/// adds. The SDK's own retries run inside this handler and decide by purpose.
/// </summary>
internal sealed class ReplayGuardHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        CallState? state = CallState.Of(request);
        if (state is null || !state.Billable)
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        if (state.Enter() > 1)
        {
            string first = state.FirstStatus is { } status ? $"{(int)status} {status}" : "no response";
            throw new LumenfallException(
                $"A handler outside Lumenfall.Sdk tried to send the billable {request.Method} {request.RequestUri?.GetLeftPart(UriPartial.Path)} again "
                + $"(its first attempt got {first}); the SDK refused, so it was sent once. Remove retry or hedging handlers from the SDK's HTTP clients.");
        }

        HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        state.FirstStatus = response.StatusCode;
        return response;
    }
}
