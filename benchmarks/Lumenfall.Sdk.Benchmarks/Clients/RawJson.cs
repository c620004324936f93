using System.Text.Json.Serialization;

namespace Lumenfall.Sdk.Benchmarks.Clients;

// The wire shapes a careful user would write for the raw client: only the fields it reads, source-generated.

internal sealed record RawGenerationRequest(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("prompt")] string Prompt,
    [property: JsonPropertyName("response_format")] string ResponseFormat);

internal sealed class RawImagesResponse
{
    [JsonPropertyName("created")]
    public long Created { get; set; }

    [JsonPropertyName("data")]
    public List<RawImage>? Data { get; set; }
}

internal sealed class RawImage
{
    [JsonPropertyName("url")]
    public string? Url { get; set; }

    /// <summary>System.Text.Json decodes a base64 string into a <see cref="byte"/> array itself.</summary>
    [JsonPropertyName("b64_json")]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1819:Properties should not return arrays", Justification = "A wire shape: the image bytes.")]
    public byte[]? B64Json { get; set; }
}

internal sealed record RawFalInput([property: JsonPropertyName("prompt")] string Prompt);

internal sealed class RawFalStatus
{
    [JsonPropertyName("request_id")]
    public string? RequestId { get; set; }

    [JsonPropertyName("status")]
    public string? Status { get; set; }

    [JsonPropertyName("status_url")]
    public string? StatusUrl { get; set; }

    [JsonPropertyName("response_url")]
    public string? ResponseUrl { get; set; }
}

internal sealed class RawFalOutput
{
    [JsonPropertyName("images")]
    public List<RawFalImage>? Images { get; set; }

    [JsonPropertyName("seed")]
    public long? Seed { get; set; }
}

internal sealed class RawFalImage
{
    [JsonPropertyName("url")]
    public string? Url { get; set; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RawGenerationRequest))]
[JsonSerializable(typeof(RawImagesResponse))]
[JsonSerializable(typeof(RawFalInput))]
[JsonSerializable(typeof(RawFalStatus))]
[JsonSerializable(typeof(RawFalOutput))]
internal sealed partial class RawJsonContext : JsonSerializerContext;
