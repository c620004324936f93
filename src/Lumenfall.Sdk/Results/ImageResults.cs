using Lumenfall.Sdk.Http;

namespace Lumenfall.Sdk;

/// <summary>Builds <see cref="GeneratedImage"/>s from what services send.</summary>
internal static class ImageResults
{
    /// <summary>
    /// A URL result, inline bytes, or a <c>data:</c> URI (decoded here: data URIs can exceed what <see cref="Uri"/>
    /// holds, and need no download).
    /// </summary>
    /// <exception cref="LumenfallUnexpectedResponseException">The URL is neither absolute http(s) nor a valid data URI; names <paramref name="field"/>.</exception>
    public static GeneratedImage Create(
        string? url, ReadOnlyMemory<byte>? bytes, string? mediaType, string? revisedPrompt, ImageDownloader downloader, ImageDetails details = default, ImageService? service = null, string field = "url")
    {
        Uri? uri = null;
        if (bytes is null && DataUri.IsDataUri(url))
        {
            try
            {
                (byte[] decoded, string? declared) = DataUri.Decode(url!);
                bytes = decoded;
                mediaType = declared ?? mediaType;
            }
            catch (FormatException ex)
            {
                throw new LumenfallUnexpectedResponseException($"{service?.ToString() ?? "The service"} sent a data URI in {field} that is not valid: {ex.Message}", ex)
                {
                    Service = service,
                    Field = field,
                };
            }
        }
        else if (url is not null)
        {
            uri = ServerUrls.Require(url, field, service);
        }

        if (uri is null && bytes is not { IsEmpty: false })
        {
            throw new LumenfallUnexpectedResponseException($"{service?.ToString() ?? "The service"} sent an image in {field} with neither a URL nor bytes.")
            {
                Service = service,
                Field = field,
            };
        }

        return new GeneratedImage(uri, bytes, mediaType, revisedPrompt)
        {
            Downloader = downloader,
            Width = details.Width,
            Height = details.Height,
            FileName = string.IsNullOrEmpty(details.FileName) ? null : details.FileName,
            FileSize = details.FileSize,
            HasNsfwConcepts = details.HasNsfwConcepts,
        };
    }
}

/// <summary>What a service says about one image besides where it is.</summary>
internal readonly record struct ImageDetails(int? Width, int? Height, string? FileName, long? FileSize, bool? HasNsfwConcepts);
