namespace Lumenfall.Sdk;

/// <summary>One generated image: a URL to fetch, or the bytes themselves, plus what the service said about it.</summary>
public sealed class GeneratedImage
{
    /// <summary>Creates an image result.</summary>
    /// <param name="uri">Where the image can be downloaded, when the service returned a URL.</param>
    /// <param name="data">The image bytes, when the service returned them inline.</param>
    /// <param name="mediaType">The image's media type, when known.</param>
    /// <param name="revisedPrompt">The prompt the model actually used, when the service rewrote it.</param>
    public GeneratedImage(Uri? uri, ReadOnlyMemory<byte>? data, string? mediaType = null, string? revisedPrompt = null)
    {
        if (uri is null && data is null)
        {
            throw new ArgumentException("An image needs a URI or data.", nameof(uri));
        }

        Uri = uri;
        Data = data;
        MediaType = ImageMediaTypes.Normalize(mediaType) ?? (data is { } bytes ? ImageMediaTypes.Detect(bytes.Span) : null);
        RevisedPrompt = revisedPrompt;
    }

    /// <summary>Gets the image URL, when the service returned one.</summary>
    public Uri? Uri { get; }

    /// <summary>Gets the image bytes, when the service returned them inline.</summary>
    public ReadOnlyMemory<byte>? Data { get; }

    /// <summary>Gets the media type, for example <c>image/png</c>, when known.</summary>
    public string? MediaType { get; }

    /// <summary>Gets the prompt the model actually used, when the service rewrote it.</summary>
    public string? RevisedPrompt { get; }

    /// <inheritdoc />
    public override string ToString() => Uri is not null
        ? $"image at {(Uri.Scheme == "data" ? "data URI" : Uri.ToString())}"
        : $"image, {Data!.Value.Length} bytes{(MediaType is null ? string.Empty : ", " + MediaType)}";
}
