using System.Globalization;
using System.Text.Json;
using Lumenfall.Sdk.Http;
using Lumenfall.Sdk.Serialization;

namespace Lumenfall.Sdk.Transports.Fal;

/// <summary>Mapping a queue status to an operation snapshot: status, error, logs and metrics.</summary>
internal sealed partial class FalTransport
{
    /// <summary>Maps a queue status; an unknown status is reported, not thrown.</summary>
    private OperationSnapshot ToSnapshot(FalQueueStatus status, TimeSpan? retryAfter)
    {
        ErrorBody? error = status.Error is JsonElement element ? ErrorBody.FromErrorValue(element, Text(status.ErrorType)) : null;
        if (error is null && Text(status.ErrorType) is string type)
        {
            error = ErrorBody.Empty with { Code = type, Type = type, Message = type };
        }
        else if (error is not null && error.Type is null)
        {
            error = error with { Type = Text(status.ErrorType) };
        }

        ImageOperationStatus mapped = status.Status?.ToUpperInvariant() switch
        {
            "IN_QUEUE" => ImageOperationStatus.Queued,
            "IN_PROGRESS" => ImageOperationStatus.InProgress,
            "COMPLETED" => error is null ? ImageOperationStatus.Succeeded : ImageOperationStatus.Failed,
            "FAILED" or "ERROR" => ImageOperationStatus.Failed,
            "CANCELED" or "CANCELLED" => ImageOperationStatus.Canceled,
            _ => ImageOperationStatus.Unknown,
        };
        return new OperationSnapshot(mapped, status.Status, status.QueuePosition, ReadLogs(status.Logs), error?.Redact(_options.ApiKey), retryAfter)
        {
            Metrics = ReadMetrics(status.Metrics),
        };
    }

    /// <summary>The numbers of a status's <c>metrics</c> object (for example <c>inference_time</c>), or null.</summary>
    private static Dictionary<string, double>? ReadMetrics(JsonElement? metrics)
    {
        if (metrics is not { ValueKind: JsonValueKind.Object } values)
        {
            return null;
        }

        var numbers = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (JsonProperty metric in values.EnumerateObject())
        {
            if (metric.Value.ValueKind == JsonValueKind.Number && metric.Value.TryGetDouble(out double number))
            {
                numbers[metric.Name] = number;
            }
        }

        return numbers.Count == 0 ? null : numbers;
    }

    private static List<OperationLog> ReadLogs(JsonElement? logs)
    {
        var lines = new List<OperationLog>();
        if (logs is not { ValueKind: JsonValueKind.Array } array)
        {
            return lines;
        }

        foreach (JsonElement entry in array.EnumerateArray())
        {
            if (entry.ValueKind == JsonValueKind.String)
            {
                lines.Add(new OperationLog(JsonText.Read(entry)));
            }
            else if (entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("message", out JsonElement message) && message.ValueKind == JsonValueKind.String)
            {
                DateTimeOffset? at = JsonText.Property(entry, "timestamp") is string time
                    && DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset parsed) ? parsed : null;
                lines.Add(new OperationLog(JsonText.Read(message), JsonText.Property(entry, "level"), at));
            }
        }

        return lines;
    }
}
