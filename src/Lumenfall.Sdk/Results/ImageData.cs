namespace Lumenfall.Sdk;

/// <summary>An image's bytes and media type, as <see cref="GeneratedImage.LoadAsync"/> reads them.</summary>
public sealed class ImageData
{
    /// <summary>Creates image data (for tests of your own code; results make their own).</summary>
    /// <param name="bytes">The image's bytes.</param>
    /// <param name="mediaType">The media type, for example <c>image/png</c>, when known.</param>
    public ImageData(ReadOnlyMemory<byte> bytes, string? mediaType)
    {
        Bytes = bytes;
        MediaType = mediaType;
    }

    /// <summary>Gets the image's bytes (for an image the service sent inline, the result's own buffer: no copy).</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>Gets the media type as the bytes show it (else as the service declared it), or null when unknown.</summary>
    public string? MediaType { get; }

    /// <summary>Splits the data into its bytes and media type: <c>(var bytes, var type) = await image.LoadAsync();</c>.</summary>
    /// <param name="bytes">The image's bytes.</param>
    /// <param name="mediaType">The media type, or null.</param>
    public void Deconstruct(out ReadOnlyMemory<byte> bytes, out string? mediaType)
    {
        bytes = Bytes;
        mediaType = MediaType;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Bytes.Length} bytes{(MediaType is null ? string.Empty : ", " + MediaType)}";
}
