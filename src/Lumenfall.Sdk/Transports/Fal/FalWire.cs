using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lumenfall.Sdk.Transports.Fal;

// Wire shapes of fal's queue and of a model's output. Everything optional and tolerant: unknown fields are
// ignored, and fields whose type varies between apps (logs, error) are read as raw JSON.

internal sealed class FalQueueStatus
{
    [JsonPropertyName("status")]
    public string? Status { get; set; }

    [JsonPropertyName("request_id")]
    public string? RequestId { get; set; }

    [JsonPropertyName("response_url")]
    public string? ResponseUrl { get; set; }

    [JsonPropertyName("status_url")]
    public string? StatusUrl { get; set; }

    [JsonPropertyName("cancel_url")]
    public string? CancelUrl { get; set; }

    [JsonPropertyName("queue_position")]
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public int? QueuePosition { get; set; }

    [JsonPropertyName("logs")]
    public JsonElement? Logs { get; set; }

    [JsonPropertyName("metrics")]
    public JsonElement? Metrics { get; set; }

    [JsonPropertyName("error")]
    public JsonElement? Error { get; set; }

    [JsonPropertyName("error_type")]
    public string? ErrorType { get; set; }
}

internal sealed class FalOutput
{
    [JsonPropertyName("images")]
    public List<FalImage>? Images { get; set; }

    [JsonPropertyName("image")]
    public FalImage? Image { get; set; }

    [JsonPropertyName("seed")]
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public long? Seed { get; set; }

    [JsonPropertyName("has_nsfw_concepts")]
    public List<bool?>? HasNsfwConcepts { get; set; }

    [JsonPropertyName("prompt")]
    public string? Prompt { get; set; }

    [JsonPropertyName("timings")]
    public Dictionary<string, JsonElement>? Timings { get; set; }
}

internal sealed class FalImage
{
    [JsonPropertyName("url")]
    public string? Url { get; set; }

    [JsonPropertyName("content_type")]
    public string? ContentType { get; set; }

    [JsonPropertyName("file_name")]
    public string? FileName { get; set; }

    [JsonPropertyName("file_size")]
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public long? FileSize { get; set; }

    [JsonPropertyName("width")]
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public int? Width { get; set; }

    [JsonPropertyName("height")]
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public int? Height { get; set; }
}

internal sealed class FalCancelResponse
{
    [JsonPropertyName("status")]
    public string? Status { get; set; }
}

internal sealed class FalUploadInitiateRequest
{
    [JsonPropertyName("content_type")]
    public required string ContentType { get; set; }

    [JsonPropertyName("file_name")]
    public required string FileName { get; set; }
}

internal sealed class FalUploadInitiateResponse
{
    [JsonPropertyName("upload_url")]
    public string? UploadUrl { get; set; }

    [JsonPropertyName("file_url")]
    public string? FileUrl { get; set; }
}
