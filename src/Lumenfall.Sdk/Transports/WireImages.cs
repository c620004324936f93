using System.Text.Json;
using Lumenfall.Sdk.Http;
using Lumenfall.Sdk.Serialization;

namespace Lumenfall.Sdk.Transports;

// The OpenAI-style image list both the Lumenfall gateway and OmniRouters answer with: data[] of url / b64_json (read by
// Http/StreamingImagesReader, which leaves b64_json_ref, the index of the decoded image) /
// revised_prompt, and token usage. Empty strings count as absent (OmniRouters sends every key, empty or not). Read by
// hand over Utf8JsonReader (Serialization/WireJson), with the rules a source-generated contract keeps.

/// <summary>The fields both OpenAI-style image replies (the gateway's and OmniRouters') carry.</summary>
internal abstract class WireImagesReply
{
    public string? Id { get; set; }

    public long? Created { get; set; }

    public List<WireImageData?>? Data { get; set; }

    public WireUsage? Usage { get; set; }

    public JsonElement? Error { get; set; }

    /// <summary>Reads one of the shared fields into <paramref name="reply"/>; false for any other name.</summary>
    protected static bool ReadShared(ref Utf8JsonReader reader, WireImagesReply reply)
    {
        if (reader.ValueTextEquals("id"u8))
        {
            reply.Id = WireJson.String(ref reader);
        }
        else if (reader.ValueTextEquals("created"u8))
        {
            reply.Created = WireJson.Int64(ref reader, quoted: true);
        }
        else if (reader.ValueTextEquals("data"u8))
        {
            reply.Data = WireJson.List(ref reader, WireImageData.Read);
        }
        else if (reader.ValueTextEquals("usage"u8))
        {
            reply.Usage = WireJson.Object(ref reader, WireUsage.Read);
        }
        else if (reader.ValueTextEquals("error"u8))
        {
            reply.Error = WireJson.Element(ref reader);
        }
        else
        {
            return false;
        }

        return true;
    }
}

internal sealed class WireImageData
{
    public string? Url { get; set; }

    public string? RevisedPrompt { get; set; }

    /// <summary>The index of this item's image among those <see cref="Http.StreamingImagesReader"/> decoded while reading.</summary>
    public int? Base64Ref { get; set; }

    public static WireImageData? Read(ref Utf8JsonReader reader) => WireJson.ReadObject(ref reader, static () => new WireImageData(), static (ref Utf8JsonReader r, WireImageData item) =>
    {
        if (r.ValueTextEquals("url"u8))
        {
            item.Url = WireJson.String(ref r);
        }
        else if (r.ValueTextEquals("revised_prompt"u8))
        {
            item.RevisedPrompt = WireJson.String(ref r);
        }
        else if (r.ValueTextEquals("b64_json_ref"u8))
        {
            item.Base64Ref = WireJson.Int32(ref r);
        }
        else
        {
            return false;
        }

        return true;
    });
}

internal sealed class WireUsage
{
    public long? InputTokens { get; set; }

    public long? OutputTokens { get; set; }

    public long? TotalTokens { get; set; }

    public WireTokenDetails? InputTokensDetails { get; set; }

    public WireTokenDetails? OutputTokensDetails { get; set; }

    public static WireUsage? Read(ref Utf8JsonReader reader) => WireJson.ReadObject(ref reader, static () => new WireUsage(), static (ref Utf8JsonReader r, WireUsage usage) =>
    {
        if (r.ValueTextEquals("input_tokens"u8))
        {
            usage.InputTokens = WireJson.Int64(ref r);
        }
        else if (r.ValueTextEquals("output_tokens"u8))
        {
            usage.OutputTokens = WireJson.Int64(ref r);
        }
        else if (r.ValueTextEquals("total_tokens"u8))
        {
            usage.TotalTokens = WireJson.Int64(ref r);
        }
        else if (r.ValueTextEquals("input_tokens_details"u8))
        {
            usage.InputTokensDetails = WireJson.Object(ref r, WireTokenDetails.Read);
        }
        else if (r.ValueTextEquals("output_tokens_details"u8))
        {
            usage.OutputTokensDetails = WireJson.Object(ref r, WireTokenDetails.Read);
        }
        else
        {
            return false;
        }

        return true;
    });
}

internal sealed class WireTokenDetails
{
    public long? TextTokens { get; set; }

    public long? ImageTokens { get; set; }

    public static WireTokenDetails? Read(ref Utf8JsonReader reader) => WireJson.ReadObject(ref reader, static () => new WireTokenDetails(), static (ref Utf8JsonReader r, WireTokenDetails details) =>
    {
        if (r.ValueTextEquals("text_tokens"u8))
        {
            details.TextTokens = WireJson.Int64(ref r);
        }
        else if (r.ValueTextEquals("image_tokens"u8))
        {
            details.ImageTokens = WireJson.Int64(ref r);
        }
        else
        {
            return false;
        }

        return true;
    });
}

/// <summary>Maps the OpenAI-style image list to results.</summary>
internal static class WireImages
{
    /// <summary>The images that carry a URL or bytes, in order; a null item or an unusable URL is an unexpected response.</summary>
    public static List<GeneratedImage> ToImages(
        ImageService service, List<WireImageData?>? data, string? outputFormat, ImageDownloader downloader, IReadOnlyList<ReadOnlyMemory<byte>>? decoded = null, IReadOnlyList<string>? files = null)
    {
        string? mediaType = ImageMediaTypes.FromFormat(outputFormat);
        var images = new List<GeneratedImage>(data?.Count ?? 0);
        for (int i = 0; i < (data?.Count ?? 0); i++)
        {
            WireImageData item = data![i] ?? throw NullItem(service, $"data[{i}]", null, null);
            string? url = Text(item.Url);
            ReadOnlyMemory<byte>? bytes = null;
            if (item.Base64Ref is int file && files is not null && file >= 0 && file < files.Count)
            {
                images.Add(GeneratedImage.InFile(files[file], mediaType, Text(item.RevisedPrompt), downloader));
                continue;
            }

            if (item.Base64Ref is int index && decoded is not null && index >= 0 && index < decoded.Count)
            {
                bytes = decoded[index];
            }

            if (url is not null || bytes is not null)
            {
                images.Add(ImageResults.Create(url, bytes, mediaType, Text(item.RevisedPrompt), downloader, default, service, $"data[{i}].url"));
            }
        }

        return images;
    }

    /// <summary>The exception for a null where a list item belongs.</summary>
    public static LumenfallUnexpectedResponseException NullItem(ImageService service, string field, string? requestId, string? clientRequestId) =>
        new($"{service} sent null as {field}, where an item belongs.")
        {
            Service = service,
            Field = field,
            RequestId = requestId,
            ClientRequestId = clientRequestId,
        };

    public static ImageUsage? ToUsage(WireUsage? usage) => usage is null
        ? null
        : new ImageUsage(
            usage.InputTokens, usage.OutputTokens, usage.TotalTokens,
            usage.InputTokensDetails?.TextTokens, usage.InputTokensDetails?.ImageTokens,
            usage.OutputTokensDetails?.TextTokens, usage.OutputTokensDetails?.ImageTokens);

    /// <summary>A Unix time in seconds, or null when it is absent or out of range (a server may send milliseconds).</summary>
    public static DateTimeOffset? UnixTime(long? seconds) =>
        seconds is long value && value >= DateTimeOffset.MinValue.ToUnixTimeSeconds() && value <= DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            ? DateTimeOffset.FromUnixTimeSeconds(value)
            : null;

    /// <summary>Empty strings count as absent.</summary>
    public static string? Text(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
