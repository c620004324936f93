namespace Lumenfall.Sdk;

/// <summary>Media-type facts for the image formats the SDK sends and receives.</summary>
internal static class ImageMediaTypes
{
    public const string Png = "image/png";
    public const string Jpeg = "image/jpeg";
    public const string Webp = "image/webp";
    public const string Gif = "image/gif";
    public const string Avif = "image/avif";
    public const string Bmp = "image/bmp";
    public const string Tiff = "image/tiff";
    public const string Heic = "image/heic";

    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Detects PNG, JPEG, WebP, GIF, AVIF, TIFF or BMP from the first bytes of an image; null when unrecognised.</summary>
    public static string? Detect(ReadOnlySpan<byte> header)
    {
        if (header.Length >= 8 && header[..8].SequenceEqual(PngSignature))
        {
            return Png;
        }

        if (header.Length >= 3 && header[0] == 0xFF && header[1] == 0xD8 && header[2] == 0xFF)
        {
            return Jpeg;
        }

        if (header.Length >= 6 && (header[..6].SequenceEqual("GIF87a"u8) || header[..6].SequenceEqual("GIF89a"u8)))
        {
            return Gif;
        }

        if (header.Length >= 12 && header[..4].SequenceEqual("RIFF"u8) && header.Slice(8, 4).SequenceEqual("WEBP"u8))
        {
            return Webp;
        }

        if (header.Length >= 12 && header.Slice(4, 4).SequenceEqual("ftyp"u8)
            && (header.Slice(8, 4).SequenceEqual("avif"u8) || header.Slice(8, 4).SequenceEqual("avis"u8)))
        {
            return Avif;
        }

        if (header.Length >= 4 && (header[..4].SequenceEqual("II*\0"u8) || header[..4].SequenceEqual("MM\0*"u8)))
        {
            return Tiff;
        }

        if (header.Length >= 2 && header[0] == (byte)'B' && header[1] == (byte)'M')
        {
            return Bmp;
        }

        return null;
    }

    /// <summary>Maps a file name's extension to a media type; null when unrecognised.</summary>
    public static string? FromFileName(string? fileName) =>
        Path.GetExtension(fileName)?.ToUpperInvariant() switch
        {
            ".PNG" => Png,
            ".JPG" or ".JPEG" => Jpeg,
            ".WEBP" => Webp,
            ".GIF" => Gif,
            ".AVIF" => Avif,
            ".BMP" => Bmp,
            ".TIF" or ".TIFF" => Tiff,
            ".HEIC" => Heic,
            _ => null,
        };

    /// <summary>Maps an <c>output_format</c> value to a media type; null when unrecognised.</summary>
    public static string? FromFormat(string? format) =>
        format?.ToUpperInvariant() switch
        {
            "PNG" => Png,
            "JPG" or "JPEG" => Jpeg,
            "WEBP" => Webp,
            "GIF" => Gif,
            "AVIF" => Avif,
            _ => null,
        };

    /// <summary>The file extension (with the dot) for a media type; <c>.bin</c> when unrecognised.</summary>
    public static string ToExtension(string? mediaType) =>
        Normalize(mediaType) switch
        {
            Png => ".png",
            Jpeg => ".jpg",
            Webp => ".webp",
            Gif => ".gif",
            Avif => ".avif",
            _ => ".bin",
        };

    /// <summary>
    /// Why bytes starting with <paramref name="header"/> cannot be the <paramref name="declared"/> media type, or
    /// null when they can: a type the SDK can recognise must match the bytes' signature.
    /// </summary>
    public static string? Mismatch(string? declared, ReadOnlySpan<byte> header)
    {
        string? type = Normalize(declared);
        if (type is null || header.IsEmpty || type is not (Png or Jpeg or Gif or Webp or Avif or Tiff or Bmp))
        {
            return null;
        }

        string? actual = Detect(header);
        return actual == type ? null : $"is declared {type} but its bytes are {actual ?? "not a recognised image format"}";
    }

    /// <summary>Lower-cases a media type and drops parameters such as <c>; charset=…</c>.</summary>
    public static string? Normalize(string? mediaType)
    {
        if (string.IsNullOrWhiteSpace(mediaType))
        {
            return null;
        }

        int semicolon = mediaType.IndexOf(';', StringComparison.Ordinal);
        string bare = (semicolon >= 0 ? mediaType[..semicolon] : mediaType).Trim();
#pragma warning disable CA1308 // Media types are conventionally lower case.
        bare = bare.ToLowerInvariant();
#pragma warning restore CA1308
        return bare == "image/jpg" ? Jpeg : bare;
    }
}
