using System.Text.Json.Serialization;
using Lumenfall.Sdk.Http;
using Lumenfall.Sdk.Serialization;

namespace Lumenfall.Sdk.Transports;

// The OpenAI-style image list both the Lumenfall gateway and OmniRouters answer with: data[] of url / b64_json /
// revised_prompt, and token usage. Empty strings count as absent (OmniRouters sends every key, empty or not).

internal sealed class WireImageData
{
    [JsonPropertyName("url")]
    public string? Url { get; set; }

    [JsonPropertyName("b64_json")]
    [JsonConverter(typeof(Base64BytesJsonConverter))]
    public byte[]? Base64Json { get; set; }

    [JsonPropertyName("revised_prompt")]
    public string? RevisedPrompt { get; set; }
}

internal sealed class WireUsage
{
    [JsonPropertyName("input_tokens")]
    public long? InputTokens { get; set; }

    [JsonPropertyName("output_tokens")]
    public long? OutputTokens { get; set; }

    [JsonPropertyName("total_tokens")]
    public long? TotalTokens { get; set; }

    [JsonPropertyName("input_tokens_details")]
    public WireTokenDetails? InputTokensDetails { get; set; }

    [JsonPropertyName("output_tokens_details")]
    public WireTokenDetails? OutputTokensDetails { get; set; }
}

internal sealed class WireTokenDetails
{
    [JsonPropertyName("text_tokens")]
    public long? TextTokens { get; set; }

    [JsonPropertyName("image_tokens")]
    public long? ImageTokens { get; set; }
}

/// <summary>Maps the OpenAI-style image list to results.</summary>
internal static class WireImages
{
    /// <summary>The images that carry a URL or bytes, in order.</summary>
    public static List<GeneratedImage> ToImages(List<WireImageData>? data, string? outputFormat, ImageDownloader downloader)
    {
        string? mediaType = ImageMediaTypes.FromFormat(outputFormat);
        return (data ?? [])
            .Select(d => (Url: Text(d.Url), d.Base64Json, Revised: Text(d.RevisedPrompt)))
            .Where(d => d.Url is not null || d.Base64Json is not null)
            .Select(d => ImageResults.Create(d.Url, d.Base64Json, mediaType, d.Revised, downloader))
            .ToList();
    }

    public static ImageUsage? ToUsage(WireUsage? usage) => usage is null
        ? null
        : new ImageUsage(
            usage.InputTokens, usage.OutputTokens, usage.TotalTokens,
            usage.InputTokensDetails?.TextTokens, usage.InputTokensDetails?.ImageTokens,
            usage.OutputTokensDetails?.TextTokens, usage.OutputTokensDetails?.ImageTokens);

    /// <summary>Empty strings count as absent.</summary>
    public static string? Text(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
