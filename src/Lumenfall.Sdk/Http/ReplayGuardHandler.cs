namespace Lumenfall.Sdk.Http;

/// <summary>
/// The SDK's innermost handler, right above the primary handler (under a host, added after every other handler by
/// <see cref="SdkHandlerFilter"/>): a billable request (generation, edit, submit) reaches the wire only as often as the
/// SDK approved: once, plus each retry its pipeline decided on (provably unprocessed), plus each redirect hop it
/// followed. A handler anywhere in the chain that sends it again, or a clone of it (a host's retry or hedging, a
/// resilience handler added to the SDK's client), is refused here before anything is sent, so the POST is billed once.
/// </summary>
internal sealed class ReplayGuardHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (CallState.Of(request) is not { Billable: true } state)
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        if (!state.TrySend())
        {
            string first = state.FirstStatus is { } status ? $"{(int)status} {status}" : "no response";
            throw new LumenfallException(
                $"A handler other than Lumenfall.Sdk's own tried to send the billable {request.Method} {request.RequestUri?.GetLeftPart(UriPartial.Path)} again "
                + $"(its last answer: {first}); the SDK refused, so it reached the service {state.Sends - 1} time(s), as the SDK decided. "
                + "Remove retry or hedging handlers from the SDK's HTTP clients: the SDK retries by purpose itself.");
        }

        HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        state.FirstStatus = response.StatusCode;
        return response;
    }
}
