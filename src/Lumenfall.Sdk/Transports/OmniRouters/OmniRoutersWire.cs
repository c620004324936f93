using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lumenfall.Sdk.Transports.OmniRouters;

/// <summary>
/// OmniRouters' image reply: a sync result (<c>created</c>, <c>data[]</c>, <c>usage</c>), an async submit
/// (<c>task_id</c>, <c>status</c>) or a task lookup (<c>task_id</c>, <c>status</c>, <c>data[]</c> when completed,
/// <c>error</c> when failed). Every field is optional.
/// </summary>
internal sealed class OmniRoutersImagesResponse
{
    /// <summary>The images <see cref="Http.StreamingImagesReader"/> decoded while reading (items refer to them by <c>b64_json_ref</c>).</summary>
    [JsonIgnore]
    public IReadOnlyList<ReadOnlyMemory<byte>>? Decoded { get; set; }

    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("task_id")]
    public string? TaskId { get; set; }

    [JsonPropertyName("status")]
    public string? Status { get; set; }

    [JsonPropertyName("created")]
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public long? Created { get; set; }

    [JsonPropertyName("data")]
    public List<WireImageData>? Data { get; set; }

    [JsonPropertyName("usage")]
    public WireUsage? Usage { get; set; }

    [JsonPropertyName("error")]
    public JsonElement? Error { get; set; }

    [JsonPropertyName("message")]
    public string? Message { get; set; }
}
