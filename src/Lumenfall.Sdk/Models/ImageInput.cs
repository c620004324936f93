using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lumenfall.Sdk;

/// <summary>
/// An input image for an edit or a reference-image request: a file path, a stream, bytes, or a URL.
/// Services that take files (Lumenfall edits) receive a multipart file part with a matching file name and
/// content type; services that take URLs (OmniRouters) receive the URL; fal may upload local images first.
/// </summary>
[JsonConverter(typeof(ImageInputJsonConverter))]
public sealed class ImageInput : IEquatable<ImageInput>
{
    /// <summary>
    /// The most bytes a non-seekable stream may hold: such a stream is read once into memory so that every send of
    /// the request (a cost estimate, then the generation; a retry; a <c>with</c> copy) carries the same image.
    /// A larger one is refused; pass a file or a seekable stream instead.
    /// </summary>
    public static int MaxBufferedStreamBytes { get; } = 64 * 1024 * 1024;

    private readonly object _gate = new();
    private Task<ReadOnlyMemory<byte>>? _streamRead;

    private ImageInput(ImageInputKind kind, string? fileName, string? mediaType)
    {
        Kind = kind;
        FileName = fileName;
        MediaType = ImageMediaTypes.Normalize(mediaType);
    }

    /// <summary>Gets how this input carries its image.</summary>
    public ImageInputKind Kind { get; }

    /// <summary>Gets the local path when <see cref="Kind"/> is <see cref="ImageInputKind.File"/>.</summary>
    public string? FilePath { get; private init; }

    /// <summary>Gets the caller's stream when <see cref="Kind"/> is <see cref="ImageInputKind.Stream"/>.</summary>
    public Stream? Stream { get; private init; }

    /// <summary>Gets where a seekable stream's image starts: its position when the input was created.</summary>
    internal long StreamStart { get; private init; }

    /// <summary>Gets the bytes when <see cref="Kind"/> is <see cref="ImageInputKind.Bytes"/>.</summary>
    public ReadOnlyMemory<byte> Bytes { get; private init; }

    /// <summary>
    /// Gets the URL when <see cref="Kind"/> is <see cref="ImageInputKind.Url"/>: an absolute <c>http(s)</c> URL or a
    /// <c>data:</c> URI, as text (a data URI may be longer than <see cref="Uri"/> allows).
    /// </summary>
    public string? Url { get; private init; }

    /// <summary>Gets the file name sent with the image, when known.</summary>
    public string? FileName { get; }

    /// <summary>Gets the media type the caller declared, if any (for example <c>image/png</c>).</summary>
    public string? MediaType { get; }

    /// <summary>Creates an input from a local file. The file is opened only when the request is sent.</summary>
    /// <param name="path">The file path.</param>
    /// <param name="mediaType">The media type; detected from the file's bytes when omitted.</param>
    /// <returns>The input.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    public static ImageInput FromFile(string path, string? mediaType = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new ImageInput(ImageInputKind.File, Path.GetFileName(path), mediaType) { FilePath = path };
    }

    /// <summary>
    /// Creates an input from a stream the caller owns. The SDK never disposes it. A seekable stream is read from its
    /// position now, and rewound to that position for every send (so sends of one request must not overlap); a
    /// non-seekable stream is read once into memory (at most <see cref="MaxBufferedStreamBytes"/>) and every send
    /// carries those bytes.
    /// </summary>
    /// <param name="stream">The image stream.</param>
    /// <param name="fileName">The file name to send, for example <c>photo.png</c>.</param>
    /// <param name="mediaType">The media type; detected from the bytes when omitted.</param>
    /// <returns>The input.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> cannot be read.</exception>
    public static ImageInput FromStream(Stream stream, string? fileName = null, string? mediaType = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream must be readable.", nameof(stream));
        }

        return new ImageInput(ImageInputKind.Stream, fileName, mediaType) { Stream = stream, StreamStart = stream.CanSeek ? stream.Position : 0 };
    }

    /// <summary>Creates an input from bytes in memory.</summary>
    /// <param name="bytes">The encoded image (PNG, JPEG, WebP, GIF…).</param>
    /// <param name="mediaType">The media type; detected from the bytes when omitted.</param>
    /// <param name="fileName">The file name to send; derived from the media type when omitted.</param>
    /// <returns>The input.</returns>
    public static ImageInput FromBytes(ReadOnlyMemory<byte> bytes, string? mediaType = null, string? fileName = null) =>
        new(ImageInputKind.Bytes, fileName, mediaType) { Bytes = bytes };

    /// <summary>Creates an input from an <c>http(s)</c> URL or a <c>data:</c> URI.</summary>
    /// <param name="url">The absolute URL.</param>
    /// <returns>The input.</returns>
    /// <exception cref="ArgumentException"><paramref name="url"/> is not absolute, or not http, https or data.</exception>
    public static ImageInput FromUrl(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return url.IsAbsoluteUri ? FromUrl(url.OriginalString) : throw new ArgumentException("The image URL must be an absolute http, https or data URI.", nameof(url));
    }

    /// <summary>Creates an input from an <c>http(s)</c> URL or a <c>data:</c> URI string.</summary>
    /// <param name="url">The absolute URL.</param>
    /// <returns>The input.</returns>
    /// <exception cref="ArgumentException"><paramref name="url"/> is not an absolute http, https or data URI.</exception>
    public static ImageInput FromUrl(string url)
    {
        ArgumentException.ThrowIfNullOrEmpty(url);
        if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase) && url.Contains(',', StringComparison.Ordinal))
        {
            return new ImageInput(ImageInputKind.Url, null, null) { Url = url };
        }

        if (Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) && uri.Scheme is "http" or "https")
        {
            return new ImageInput(ImageInputKind.Url, Path.GetFileName(uri.AbsolutePath), null) { Url = uri.OriginalString };
        }

        throw new ArgumentException("The image URL must be an absolute http, https or data URI.", nameof(url));
    }

    /// <summary>
    /// The bytes of a non-seekable stream, read on the first call and kept for every later send. A stream larger
    /// than <see cref="MaxBufferedStreamBytes"/> is refused, then and on every later send: never an empty part.
    /// </summary>
    internal async Task<ReadOnlyMemory<byte>> ReadStreamOnceAsync(string parameter, CancellationToken cancellationToken)
    {
        TaskCompletionSource<ReadOnlyMemory<byte>>? reader = null;
        Task<ReadOnlyMemory<byte>> read;
        lock (_gate)
        {
            if (_streamRead is null)
            {
                reader = new TaskCompletionSource<ReadOnlyMemory<byte>>(TaskCreationOptions.RunContinuationsAsynchronously);
                _streamRead = reader.Task;
            }

            read = _streamRead;
        }

        if (reader is not null)
        {
            // One read for every send, not tied to any one caller's token: a caller that gives up stops waiting,
            // it does not spoil the bytes for the next send.
            try
            {
                reader.SetResult(await ReadAllAsync(parameter, CancellationToken.None).ConfigureAwait(false));
            }
            catch (Exception ex)
            {
                reader.SetException(ex);
            }
        }

        try
        {
            return await read.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not (LumenfallValidationException or OperationCanceledException))
        {
            throw new LumenfallValidationException([new ValidationError(parameter, ValidationRule.Required,
                $"is a non-seekable stream whose reading failed ({ex.GetType().Name}: {ex.Message}); it cannot be read again (pass a file or a seekable stream)")]);
        }
    }

    private async Task<ReadOnlyMemory<byte>> ReadAllAsync(string parameter, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[64 * 1024];
        int total = 0;
        while (true)
        {
            if (total == buffer.Length)
            {
                if (buffer.Length > MaxBufferedStreamBytes)
                {
                    throw Unbufferable(parameter);
                }

                Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, MaxBufferedStreamBytes + 1L));
            }

            int read = await Stream!.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return buffer.AsMemory(0, total);
            }

            total += read;
        }
    }

    private static LumenfallValidationException Unbufferable(string parameter) =>
        new([new ValidationError(parameter, ValidationRule.Required,
            $"is a non-seekable stream larger than {MaxBufferedStreamBytes:N0} bytes; it cannot be kept to send the same bytes again (pass a file or a seekable stream)")]);

    /// <summary>Converts a URL to an input.</summary>
    /// <param name="url">The absolute URL.</param>
    public static implicit operator ImageInput(Uri url) => FromUrl(url);

    /// <summary>
    /// Gets the media type without touching the file system or the network: the declared type, else what the
    /// bytes say, else the file name's extension, else <see langword="null"/>.
    /// </summary>
    internal string? KnownMediaType =>
        MediaType
        ?? (Kind == ImageInputKind.Bytes ? ImageMediaTypes.Detect(Bytes.Span) : null)
        ?? (Kind == ImageInputKind.Url && IsDataUri ? Http.DataUri.MediaTypeOf(Url!) : null)
        ?? ImageMediaTypes.FromFileName(FileName);

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        ImageInputKind.File => $"file {FilePath}",
        ImageInputKind.Stream => $"stream {FileName}",
        ImageInputKind.Bytes => $"{Bytes.Length} bytes",
        _ => IsDataUri ? "data URI" : Url!,
    };

    /// <summary>Gets whether this is a <c>data:</c> URI.</summary>
    internal bool IsDataUri => Url?.StartsWith("data:", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>
    /// Whether two inputs carry the same image the same way: the same URL, the same file path, equal bytes, or the same
    /// stream object, with the same file name and declared media type. Requests compare their image lists with it.
    /// </summary>
    /// <param name="other">The other input.</param>
    /// <returns>Whether they are equal.</returns>
    public bool Equals(ImageInput? other) =>
        ReferenceEquals(this, other)
        || (other is not null && Kind == other.Kind && FileName == other.FileName && MediaType == other.MediaType && Kind switch
        {
            ImageInputKind.Url => string.Equals(Url, other.Url, StringComparison.Ordinal),
            ImageInputKind.File => string.Equals(FilePath, other.FilePath, StringComparison.Ordinal),
            ImageInputKind.Bytes => Bytes.Span.SequenceEqual(other.Bytes.Span),
            _ => ReferenceEquals(Stream, other.Stream) && StreamStart == other.StreamStart,
        });

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ImageInput);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Kind, FileName, MediaType, Kind switch
    {
        ImageInputKind.Url => StringComparer.Ordinal.GetHashCode(Url ?? string.Empty),
        ImageInputKind.File => StringComparer.Ordinal.GetHashCode(FilePath ?? string.Empty),
        ImageInputKind.Bytes => Bytes.Length,
        _ => Stream is null ? 0 : System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(Stream),
    });
}
