using System.Net;
using System.Net.Http.Headers;

namespace Lumenfall.Sdk.Http;

/// <summary>
/// An input image made ready to send any number of times: its media type is known (declared, else read from
/// its first bytes, else its file name), its file name has the matching extension, and its bytes can be read
/// again for a retry. A file is reopened per send; a seekable stream is rewound to where it stood when the input
/// was made (and never disposed); a non-seekable stream is read once and its bytes kept on the input; a URL is
/// downloaded (without credentials).
/// </summary>
internal sealed class PreparedImage
{
    private readonly string? _path;
    private readonly Stream? _stream;
    private readonly long _start;
    private readonly ReadOnlyMemory<byte> _bytes;

    private PreparedImage(string? path, Stream? stream, long start, ReadOnlyMemory<byte> bytes, long length, string mediaType, string fileName)
    {
        _path = path;
        _stream = stream;
        _start = start;
        _bytes = bytes;
        Length = length;
        MediaType = mediaType;
        FileName = fileName;
    }

    public string MediaType { get; }

    public string FileName { get; }

    public long Length { get; }

    /// <summary>Reads what is needed to send <paramref name="input"/> (for <paramref name="parameter"/>, named in errors).</summary>
    /// <exception cref="LumenfallValidationException">The image's media type cannot be told.</exception>
    public static async Task<PreparedImage> PrepareAsync(ImageInput input, string parameter, int index, ImageDownloader downloader, CancellationToken cancellationToken)
    {
        try
        {
            return await PrepareCoreAsync(input, parameter, index, downloader, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException && ex is not HttpIOException)
        {
            // The caller's file or stream cannot be read: bad input, found before anything was sent.
            throw Invalid(parameter, ValidationRule.Required, $"cannot be read ({ex.GetType().Name}: {ex.Message})");
        }
    }

    private static async Task<PreparedImage> PrepareCoreAsync(ImageInput input, string parameter, int index, ImageDownloader downloader, CancellationToken cancellationToken)
    {
        switch (input.Kind)
        {
            case ImageInputKind.File:
            {
                var info = new FileInfo(input.FilePath!);
                if (!info.Exists)
                {
                    throw Invalid(parameter, ValidationRule.Required, $"the file '{input.FilePath}' does not exist");
                }

                byte[] header = new byte[16];
                int read;
                FileStream file = File.OpenRead(info.FullName);
                await using (file.ConfigureAwait(false))
                {
                    read = await file.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                }

                string mediaType = MediaTypeOf(input, header.AsSpan(0, read), parameter);
                return new PreparedImage(info.FullName, null, 0, default, info.Length, mediaType, FileNameFor(input.FileName, mediaType, index));
            }

            case ImageInputKind.Stream when input.Stream!.CanSeek:
            {
                Stream stream = input.Stream;
                long start = input.StreamStart;   // where the image started when the input was made, for every send
                stream.Position = start;
                byte[] header = new byte[16];
                int read = await stream.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                stream.Position = start;
                string mediaType = MediaTypeOf(input, header.AsSpan(0, read), parameter);
                return new PreparedImage(null, stream, start, default, stream.Length - start, mediaType, FileNameFor(input.FileName, mediaType, index));
            }

            case ImageInputKind.Stream:
                return FromBytes(input, await input.ReadStreamOnceAsync(parameter, cancellationToken).ConfigureAwait(false), null, parameter, index);

            case ImageInputKind.Bytes:
                return FromBytes(input, input.Bytes, null, parameter, index);

            default:
            {
                (byte[] bytes, string? served) = await downloader.DownloadAsync(input.Url!, cancellationToken).ConfigureAwait(false);
                return FromBytes(input, bytes, served, parameter, index);
            }
        }
    }

    /// <summary>Reads the whole image (for an upload or a data URI).</summary>
    public async Task<byte[]> ReadAllBytesAsync(CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream((int)Math.Min(Length, int.MaxValue));
        await CreateContent().CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }

    /// <summary>A multipart part for this image, readable again on every send.</summary>
    public HttpContent CreateContent()
    {
        var content = new ReplayableContent(this);
        content.Headers.ContentType = new MediaTypeHeaderValue(MediaType);
        return content;
    }

    private static PreparedImage FromBytes(ImageInput input, ReadOnlyMemory<byte> bytes, string? served, string parameter, int index)
    {
        ThrowIfMismatch(input, bytes.Span, parameter);
        string mediaType = ImageMediaTypes.Normalize(input.MediaType)
            ?? ImageMediaTypes.Detect(bytes.Span)
            ?? ImageMediaTypes.Normalize(served)
            ?? ImageMediaTypes.FromFileName(input.FileName)
            ?? throw Unknown(parameter);
        return new PreparedImage(null, null, 0, bytes, bytes.Length, mediaType, FileNameFor(input.FileName, mediaType, index));
    }

    private static void ThrowIfMismatch(ImageInput input, ReadOnlySpan<byte> header, string parameter)
    {
        if (ImageMediaTypes.Mismatch(input.MediaType, header) is string mismatch)
        {
            throw Invalid(parameter, ValidationRule.MediaType, mismatch);
        }
    }

    private static string MediaTypeOf(ImageInput input, ReadOnlySpan<byte> header, string parameter)
    {
        ThrowIfMismatch(input, header, parameter);
        return ImageMediaTypes.Normalize(input.MediaType)
        ?? ImageMediaTypes.Detect(header)
        ?? ImageMediaTypes.FromFileName(input.FileName)
        ?? throw Unknown(parameter);
    }

    /// <summary>The caller's file name with an extension matching <paramref name="mediaType"/>, or <c>image{n}.ext</c>.</summary>
    private static string FileNameFor(string? fileName, string mediaType, int index)
    {
        string extension = ImageMediaTypes.ToExtension(mediaType);
        string stem = string.IsNullOrWhiteSpace(fileName) ? $"image{index + 1}" : Path.GetFileNameWithoutExtension(fileName);
        stem = string.Concat(stem.Where(c => c is not ('"' or '\\' or '/' or '\r' or '\n')));
        return (stem.Length == 0 ? $"image{index + 1}" : stem) + extension;
    }

    private static LumenfallValidationException Unknown(string parameter) =>
        Invalid(parameter, ValidationRule.MediaType, "its media type cannot be told from its bytes or file name; pass mediaType (image/png, image/jpeg, image/webp or image/gif)");

    private static LumenfallValidationException Invalid(string parameter, string rule, string message) =>
        new([new ValidationError(parameter, rule, message)]);

    private sealed class ReplayableContent(PreparedImage image) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            if (image._path is not null)
            {
                FileStream file = File.OpenRead(image._path);
                await using (file.ConfigureAwait(false))
                {
                    await file.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
                }
            }
            else if (image._stream is not null)
            {
                image._stream.Position = image._start;
                await image._stream.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await stream.WriteAsync(image._bytes, cancellationToken).ConfigureAwait(false);
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override bool TryComputeLength(out long length)
        {
            length = image.Length;
            return true;
        }
    }
}
