using System.Net;
using System.Text.Json;
using Lumenfall.Sdk.Http;
using Lumenfall.Sdk.Serialization;

namespace Lumenfall.Sdk.Transports.Fal;

/// <summary>Following a queued job: status polls (with logs), the result, cancel, and the queue URLs.</summary>
internal sealed partial class FalTransport
{
    public async Task<OperationSnapshot> GetStatusAsync(OperationState state, CancellationToken cancellationToken)
    {
        string url = StatusUrl(state) + (_options.IncludeLogs ? (StatusUrl(state).Contains('?', StringComparison.Ordinal) ? "&logs=1" : "?logs=1") : string.Empty);
        using var message = new CallRequest(HttpMethod.Get, url);
        message.Headers.Accept.Add(Json);
        return await _channel.SendAsync(message, CallPurpose.Read, async (response, _, token) =>
        {
            FalQueueStatus status = await ResponseBody.ReadJsonAsync(response, SdkJsonContext.Default.FalQueueStatus, _channel.MaxResponseBytes, token).ConfigureAwait(false);
            return ToSnapshot(status, ServiceErrors.RetryAfterFrom(response.Headers, _channel.Time));
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ImageGenerationResult> GetResultAsync(OperationState state, CancellationToken cancellationToken)
    {
        using var message = new CallRequest(HttpMethod.Get, state.ResponseUrl ?? AppUrl(state, string.Empty));
        message.Headers.Accept.Add(Json);
        return await _channel.SendAsync(message, CallPurpose.Read, async (response, context, token) =>
        {
            return await ReadOutputAsync(response, state.ModelId, state.Untyped, state.Id, context, token).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<CancelOutcome> CancelAsync(OperationState state, CancellationToken cancellationToken)
    {
        using var message = new CallRequest(HttpMethod.Put, state.CancelUrl ?? AppUrl(state, "/cancel"));
        message.Headers.Accept.Add(Json);
        return await _channel.SendAsync(
            message,
            CallPurpose.Cancel,
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

    private string StatusUrl(OperationState state) => state.StatusUrl ?? AppUrl(state, "/status");

    /// <summary>Queue URLs use only <c>owner/app</c> of the endpoint id: <c>{queue}/{owner}/{app}/requests/{id}{suffix}</c>.</summary>
    private string AppUrl(OperationState state, string suffix)
    {
        string[] segments = state.ModelId.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string app = string.Join('/', segments.Take(2).Select(Uri.EscapeDataString));
        return ServiceChannel.Url(_options.QueueEndpoint, $"{app}/requests/{Uri.EscapeDataString(state.Id)}{suffix}").AbsoluteUri;
    }
}
