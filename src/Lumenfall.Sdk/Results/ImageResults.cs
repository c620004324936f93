using Lumenfall.Sdk.Http;

namespace Lumenfall.Sdk;

/// <summary>Builds <see cref="GeneratedImage"/>s from what services send.</summary>
internal static class ImageResults
{
    /// <summary>
    /// A URL result, inline bytes, or a <c>data:</c> URI (decoded here: data URIs can exceed what <see cref="Uri"/>
    /// holds, and need no download).
    /// </summary>
    public static GeneratedImage Create(string? url, byte[]? bytes, string? mediaType, string? revisedPrompt, ImageDownloader downloader, ImageDetails details = default)
    {
        Uri? uri = null;
        if (bytes is null && DataUri.IsDataUri(url))
        {
            (bytes, string? declared) = DataUri.Decode(url!);
            mediaType = declared ?? mediaType;
        }
        else if (url is not null)
        {
            uri = new Uri(url, UriKind.Absolute);
        }

        return new GeneratedImage(uri, bytes is null ? null : (ReadOnlyMemory<byte>?)bytes, mediaType, revisedPrompt)
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
