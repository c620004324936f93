using System.Text.Json;

namespace Lumenfall.Sdk;

/// <summary>The outcome fal reports in a webhook: <c>OK</c> or <c>ERROR</c> (not the queue's statuses).</summary>
public enum FalWebhookStatus
{
    /// <summary>A status this SDK does not know; the delivery is kept as it came.</summary>
    Unknown = 0,

    /// <summary><c>OK</c>: the job finished; <see cref="FalWebhookDelivery.Payload"/> is the app's output (or null, see <see cref="FalWebhookDelivery.PayloadError"/>).</summary>
    Ok,

    /// <summary><c>ERROR</c>: the job failed; <see cref="FalWebhookDelivery.Error"/> says why, <see cref="FalWebhookDelivery.Payload"/> may hold details.</summary>
    Error,
}

/// <summary>
/// One webhook delivery from fal's queue, read from the body exactly as it came: numbers of any size stay JSON
/// (a real delivery carried the seed 17454220438242315174, beyond <see cref="long"/>).
/// </summary>
/// <param name="RequestId">The queue request id (<c>request_id</c>): the operation's id, and the key deliveries are deduplicated on.</param>
/// <param name="Status">The outcome.</param>
public sealed record FalWebhookDelivery(string RequestId, FalWebhookStatus Status)
{
    /// <summary>Gets the id of the attempt that ran (<c>gateway_request_id</c>), when given.</summary>
    public string? GatewayRequestId { get; init; }

    /// <summary>Gets the app's output on <c>OK</c>, error details on <c>ERROR</c>, or null.</summary>
    public JsonElement? Payload { get; init; }

    /// <summary>Gets fal's error message on <c>ERROR</c> (for example <c>Invalid status code: 422</c>).</summary>
    public string? Error { get; init; }

    /// <summary>Gets why <see cref="Payload"/> is null on <c>OK</c> (the output was not JSON serialisable).</summary>
    public string? PayloadError { get; init; }

    /// <summary>Reads a delivery body.</summary>
    /// <param name="body">The raw body.</param>
    /// <returns>The delivery.</returns>
    /// <exception cref="FormatException">The body is not a JSON object with a string <c>request_id</c> and <c>status</c>.</exception>
    public static FalWebhookDelivery Parse(ReadOnlySpan<byte> body)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 256 });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The webhook body is not JSON: {ex.Message}", ex);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("The webhook body is not a JSON object.");
            }

            string requestId = Text(root, "request_id") is { Length: > 0 } id ? id : throw new FormatException("The webhook body has no request_id.");
            FalWebhookStatus status = Text(root, "status") switch
            {
                "OK" => FalWebhookStatus.Ok,
                "ERROR" => FalWebhookStatus.Error,
                null => throw new FormatException("The webhook body has no status."),
                _ => FalWebhookStatus.Unknown,
            };
            return new FalWebhookDelivery(requestId, status)
            {
                GatewayRequestId = Text(root, "gateway_request_id"),
                Payload = root.TryGetProperty("payload", out JsonElement payload) && payload.ValueKind != JsonValueKind.Null ? payload.Clone() : null,
                Error = Text(root, "error"),
                PayloadError = Text(root, "payload_error"),
            };
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
