using System.Net;
using System.Text.Json;
using Lumenfall.Sdk.Http;
using Lumenfall.Sdk.Serialization;

namespace Lumenfall.Sdk.Transports.Fal;

/// <summary>
/// Following a queued job: status polls (with logs), the result, cancel. Every queue URL is built by the SDK from the
/// configured queue endpoint, the app id and the request id, as fal's JavaScript client does; the <c>status_url</c>,
/// <c>response_url</c> and <c>cancel_url</c> a submit reply names are not followed, so neither a server nor a
/// rehydration token can aim a keyed request at another URL.
/// </summary>
internal sealed partial class FalTransport
{
    /// <summary>Namespaces whose app ids keep three segments in queue URLs (<c>workflows/owner/app</c>).</summary>
    private static readonly string[] Namespaces = ["workflows", "comfy"];

    public async Task<OperationSnapshot> GetStatusAsync(OperationState state, RequestOptions? options, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, QueueUrl(state, "/status" + (_options.IncludeLogs ? "?logs=1" : string.Empty)));
        message.Headers.Accept.Add(Json);
        return await _channel.SendAsync(message, CallPurpose.Read, options, async (response, _, token) =>
        {
            FalQueueStatus status = await ResponseBody.ReadJsonAsync(response, SdkJsonContext.Default.FalQueueStatus, _channel.MaxResponseBytes, token).ConfigureAwait(false);
            return ToSnapshot(status, ServiceErrors.RetryAfterFrom(response.Headers, _channel.Time));
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ImageGenerationResult> GetResultAsync(OperationState state, RequestOptions? options, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, QueueUrl(state, string.Empty));
        message.Headers.Accept.Add(Json);
        return await _channel.SendAsync(message, CallPurpose.Read, options, async (response, context, token) =>
        {
            return await ReadOutputAsync(response, state.ModelId, state.Untyped, state.Id, context, token).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<CancelOutcome> CancelAsync(OperationState state, RequestOptions? options, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Put, QueueUrl(state, "/cancel"));
        message.Headers.Accept.Add(Json);
        return await _channel.SendAsync(
            message,
            CallPurpose.Cancel,
            options,
            async (response, context, token) =>
            {
                byte[] body = await ServiceErrors.ReadBoundedAsync(response.Content, 64 * 1024, token).ConfigureAwait(false);
                string? status = TryReadCancelStatus(body);
                CancelOutcome? outcome = status?.ToUpperInvariant() switch
                {
                    "CANCELLATION_REQUESTED" => CancelOutcome.CancellationRequested,
                    "ALREADY_COMPLETED" => CancelOutcome.AlreadyCompleted,
                    "NOT_FOUND" => CancelOutcome.NotFound,
                    "OK" or "CANCELED" or "CANCELLED" => CancelOutcome.Canceled,
                    null => null,
                    _ => CancelOutcome.Unknown,
                };
                if (outcome is CancelOutcome known)
                {
                    return known;
                }

                if (response.IsSuccessStatusCode)
                {
                    return CancelOutcome.CancellationRequested;
                }

                var details = ServiceErrorDetails.Of(Service, response.StatusCode, ServiceErrors.RequestIdFrom(response.Headers), context.ClientRequestId, rawBody: body.Length == 0 ? null : JsonText.Decode(body));
                throw ServiceErrors.Create(details, ErrorBody.Parse(body), _options.ApiKey);
            },
            cancellationToken,
            accept: status => status is HttpStatusCode.BadRequest or HttpStatusCode.NotFound or HttpStatusCode.Conflict).ConfigureAwait(false);
    }

    private static string? TryReadCancelStatus(byte[] body)
    {
        try
        {
            return body.Length == 0 ? null : Text(JsonSerializer.Deserialize(body, SdkJsonContext.Default.FalCancelResponse)?.Status);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// A queue URL: <c>{queue}/{owner}/{app}/requests/{id}{suffix}</c>, with only <c>owner/app</c> of the endpoint id
    /// (<c>fal-ai/flux/dev</c> polls under <c>fal-ai/flux</c>), or <c>{namespace}/{owner}/{app}</c> for namespaced
    /// apps. Each segment is escaped; ids that could change the path were refused when the state was made.
    /// </summary>
    internal Uri QueueUrl(OperationState state, string suffix)
    {
        string[] segments = state.ModelId.Split('/', StringSplitOptions.RemoveEmptyEntries);
        int take = segments.Length > 2 && Namespaces.Contains(segments[0], StringComparer.OrdinalIgnoreCase) ? 3 : 2;
        string app = string.Join('/', segments.Take(take).Select(Uri.EscapeDataString));
        return ServiceChannel.Url(_options.QueueEndpoint, $"{app}/requests/{Uri.EscapeDataString(state.Id)}{suffix}");
    }
}
