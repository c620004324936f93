using Lumenfall.Sdk.Http;

namespace Lumenfall.Sdk;

/// <summary>One generated image: a URL to fetch, or the bytes themselves, plus what the service said about it.</summary>
public sealed class GeneratedImage
{
    /// <summary>Creates an image result (the SDK does; tests of your own code may too).</summary>
    /// <param name="uri">Where the image can be downloaded, when the service returned a URL (http, https or data).</param>
    /// <param name="data">The image bytes, when the service returned them inline.</param>
    /// <param name="mediaType">The image's media type, when known.</param>
    /// <param name="revisedPrompt">The prompt the model actually used, when the service rewrote it.</param>
    /// <exception cref="ArgumentException">Neither <paramref name="uri"/> nor <paramref name="data"/> is given.</exception>
    public GeneratedImage(Uri? uri, ReadOnlyMemory<byte>? data, string? mediaType = null, string? revisedPrompt = null)
    {
        if (data is { IsEmpty: true })
        {
            data = null;   // a null byte[] converts to an empty ReadOnlyMemory; no image is zero bytes long
        }

        if (uri is null && data is null)
        {
            throw new ArgumentException("An image needs a URI or data.", nameof(uri));
        }

        Uri = uri;
        Data = data;
        MediaType = (data is { } bytes ? ImageMediaTypes.Detect(bytes.Span) : null)
            ?? ImageMediaTypes.Normalize(mediaType)
            ?? (uri is { Scheme: "data" } ? ImageMediaTypes.Normalize(DataUri.MediaTypeOf(uri.OriginalString)) : null)
            ?? ImageMediaTypes.FromFileName(uri?.AbsolutePath);
        RevisedPrompt = string.IsNullOrEmpty(revisedPrompt) ? null : revisedPrompt;
    }

    /// <summary>An image the SDK decoded into a file (<see cref="RequestOptions.InlineImageFile"/>); never from a URL a server sent.</summary>
    private GeneratedImage(string filePath, string? mediaType, string? revisedPrompt)
    {
        FilePath = filePath;
        MediaType = ImageMediaTypes.Normalize(mediaType);
        RevisedPrompt = string.IsNullOrEmpty(revisedPrompt) ? null : revisedPrompt;
    }

    /// <summary>An image decoded into <paramref name="filePath"/> as it arrived, its format told by its first bytes.</summary>
    internal static GeneratedImage InFile(string filePath, string? mediaType, string? revisedPrompt, ImageDownloader downloader)
    {
        Span<byte> head = stackalloc byte[32];
        int read;
        using (FileStream file = File.OpenRead(filePath))
        {
            read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }

        return new GeneratedImage(filePath, ImageMediaTypes.Detect(head[..read]) ?? mediaType, revisedPrompt) { Downloader = downloader };
    }

    /// <summary>
    /// Gets the file the SDK decoded the image into as it arrived, when the call asked for one
    /// (<see cref="RequestOptions.InlineImageFile"/>); <see cref="Uri"/> and <see cref="Data"/> are null then.
    /// </summary>
    public string? FilePath { get; }

    /// <summary>Gets the image URL, when the service returned one.</summary>
    public Uri? Uri { get; }

    /// <summary>Gets the image bytes, when the service returned them inline.</summary>
    public ReadOnlyMemory<byte>? Data { get; }

    /// <summary>Gets the media type, for example <c>image/png</c>, when known (from the bytes, the service, or the URL).</summary>
    public string? MediaType { get; }

    /// <summary>Gets the prompt the model actually used, when the service rewrote it.</summary>
    public string? RevisedPrompt { get; }

    /// <summary>Gets the width in pixels, when the service reports it.</summary>
    public int? Width { get; init; }

    /// <summary>Gets the height in pixels, when the service reports it.</summary>
    public int? Height { get; init; }

    /// <summary>Gets the file name the service gave the image, when it gave one (used by <see cref="SaveAsync(string, CancellationToken)"/> for a folder).</summary>
    public string? FileName { get; init; }

    /// <summary>Gets the size in bytes the service reports, when it reports one.</summary>
    public long? FileSize { get; init; }

    /// <summary>Gets whether the service's safety checker flagged the image, when it says.</summary>
    public bool? HasNsfwConcepts { get; init; }

    /// <summary>Gets the downloader of the client that produced this image (no credentials, its timeout and size cap).</summary>
    internal ImageDownloader Downloader { get; init; } = ImageDownloader.Default;

    /// <summary>
    /// Opens the image for reading: the inline bytes, a decoded <c>data:</c> URI, or a download of the URL
    /// (without any API key, within the client's download timeout and size cap).
    /// </summary>
    /// <param name="cancellationToken">Stops the download.</param>
    /// <returns>A read-only stream the caller disposes.</returns>
    /// <exception cref="LumenfallException">The download failed, timed out or was too large.</exception>
    public async Task<Stream> OpenReadAsync(CancellationToken cancellationToken = default)
    {
        (ReadOnlyMemory<byte> bytes, _) = await LoadAsync(cancellationToken).ConfigureAwait(false);
        return System.Runtime.InteropServices.MemoryMarshal.TryGetArray(bytes, out ArraySegment<byte> segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(bytes.ToArray(), writable: false);
    }

    /// <summary>Writes the image to <paramref name="destination"/>.</summary>
    /// <param name="destination">A writable stream; not disposed.</param>
    /// <param name="cancellationToken">Stops the download or the write.</param>
    /// <returns>A task that completes when the image is written.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="destination"/> is null.</exception>
    /// <exception cref="LumenfallException">The download failed, timed out or was too large.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The first parameters differ in type (a stream, a path); no call can be ambiguous.")]
    public async Task SaveAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        (ReadOnlyMemory<byte> bytes, _) = await LoadAsync(cancellationToken).ConfigureAwait(false);
        await destination.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes the image to <paramref name="destination"/> as it arrives: inline bytes at once, a URL streamed from the
    /// network in chunks (within the client's download timeout and size cap, without any API key), so an image of any
    /// size costs a buffer, not its size, in memory. Unlike <see cref="SaveAsync(Stream, CancellationToken)"/>, a failed
    /// download may leave part of the image written: write to a temporary file and move it into place when this returns.
    /// </summary>
    /// <param name="destination">A writable stream; not disposed.</param>
    /// <param name="cancellationToken">Stops the download or the write.</param>
    /// <returns>The image's media type as its first bytes show it (else as the service declared it), or null when unknown.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="destination"/> is null.</exception>
    /// <exception cref="LumenfallException">The download failed, timed out or was too large.</exception>
    public async Task<string?> CopyToAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (Data is { } data)
        {
            await destination.WriteAsync(data, cancellationToken).ConfigureAwait(false);
            return MediaType;
        }

        if (FilePath is not null)
        {
            FileStream file = new(FilePath, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
            await using (file.ConfigureAwait(false))
            {
                await file.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
            }

            return MediaType;
        }

        var sniffer = new SniffingStream(destination);
        string? declared = await Downloader.CopyToAsync(Uri!.OriginalString, sniffer, cancellationToken).ConfigureAwait(false);
        return ImageMediaTypes.Detect(sniffer.Head) ?? ImageMediaTypes.Normalize(declared) ?? MediaType;
    }

    /// <summary>Passes writes through, keeping the first bytes to tell the format by.</summary>
    private sealed class SniffingStream(Stream inner) : Stream
    {
        private readonly byte[] _head = new byte[32];
        private int _kept;

        public ReadOnlySpan<byte> Head => _head.AsSpan(0, _kept);

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            Keep(buffer.AsSpan(offset, count));
            inner.Write(buffer, offset, count);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Keep(buffer.Span);
            return inner.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private void Keep(ReadOnlySpan<byte> bytes)
        {
            int take = Math.Min(bytes.Length, _head.Length - _kept);
            bytes[..take].CopyTo(_head.AsSpan(_kept));
            _kept += take;
        }
    }

    /// <summary>
    /// Saves the image to a file whose extension matches the image's real format: <c>cat</c> or <c>cat.png</c>
    /// holding a JPEG is written as <c>cat.jpg</c>. When <paramref name="path"/> is an existing folder, the file
    /// is named after the service's <see cref="FileName"/>, else the URL's last segment, else <c>image</c>. A
    /// service-provided name is made safe first: only its last segment is kept, characters other than letters,
    /// digits, <c>-</c>, <c>_</c> and <c>.</c> become <c>_</c>, reserved device names (<c>CON</c>, <c>NUL</c>, …) get a
    /// <c>_</c> suffix, and it is cut to 100 characters, so the file always lands inside the folder.
    /// </summary>
    /// <param name="path">A file path, or an existing folder.</param>
    /// <param name="cancellationToken">Stops the download or the write.</param>
    /// <returns>The path actually written.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="LumenfallException">The download failed, timed out or was too large.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The first parameters differ in type (a stream, a path); no call can be ambiguous.")]
    public async Task<string> SaveAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        (ReadOnlyMemory<byte> bytes, string? mediaType) = await LoadAsync(cancellationToken).ConfigureAwait(false);
        string extension = ImageMediaTypes.ToExtension(ImageMediaTypes.Detect(bytes.Span) ?? mediaType ?? MediaType);
        string target;
        if (Directory.Exists(path))
        {
            string folder = Path.GetFullPath(path);
            target = Path.GetFullPath(WithExtension(Path.Combine(folder, SafeFileName()), extension));
            if (!string.Equals(Path.GetDirectoryName(target), folder.TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal))
            {
                target = Path.Combine(folder, "image" + extension);   // unreachable for a sanitized name; kept as a guard
            }
        }
        else
        {
            target = WithExtension(path, extension);
        }
        // Written from the image's own buffer: no copy of the image is made to save it.
        FileStream file = new(target, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1, useAsync: true);
        await using (file.ConfigureAwait(false))
        {
            await file.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        }

        return target;
    }

    /// <inheritdoc />
    public override string ToString() => FilePath is not null ? $"image in {FilePath}" : Uri is not null
        ? $"image at {(Uri.Scheme == "data" ? "data URI" : Uri.GetLeftPart(UriPartial.Path))}"
        : $"image, {Data!.Value.Length} bytes{(MediaType is null ? string.Empty : ", " + MediaType)}";

    /// <summary>
    /// Reads the image: its inline bytes, a decoded <c>data:</c> URI, or a download of the URL (without any API key,
    /// within the client's download timeout and size cap), with its media type as the bytes show it (else as declared).
    /// </summary>
    /// <param name="cancellationToken">Stops the download.</param>
    /// <returns>The bytes (no copy for inline images) and the media type, when known.</returns>
    /// <exception cref="LumenfallException">The download failed, timed out or was too large.</exception>
    public async Task<ImageData> LoadAsync(CancellationToken cancellationToken = default)
    {
        if (Data is { } data)
        {
            return new ImageData(data, MediaType);
        }

        if (FilePath is not null)
        {
            return new ImageData(await File.ReadAllBytesAsync(FilePath, cancellationToken).ConfigureAwait(false), MediaType);
        }

        (byte[] bytes, string? mediaType) = await Downloader.DownloadAsync(Uri!.OriginalString, cancellationToken).ConfigureAwait(false);
        return new ImageData(bytes, ImageMediaTypes.Detect(bytes) ?? ImageMediaTypes.Normalize(mediaType) ?? MediaType);
    }

    /// <summary>A file name stem from the service's file name or the URL, safe on every platform.</summary>
    private string SafeFileName()
    {
        string? source = !string.IsNullOrEmpty(FileName) ? FileName
            : Uri is { Scheme: "http" or "https" } ? Uri.AbsolutePath
            : null;
        return Sanitize(source);
    }

    /// <summary>
    /// The last segment of <paramref name="name"/> without its extension, reduced to letters, digits, <c>-</c>,
    /// <c>_</c> and <c>.</c>, at most 100 characters, never a reserved device name; <c>image</c> when nothing is left.
    /// </summary>
    internal static string Sanitize(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "image";
        }

        int slash = name.LastIndexOfAny(['/', '\\']);
        string last = slash >= 0 ? name[(slash + 1)..] : name;
        int dot = last.LastIndexOf('.');
        string stem = dot >= 0 ? last[..dot] : last;
        var builder = new System.Text.StringBuilder(Math.Min(stem.Length, 100));
        foreach (char c in stem)
        {
            if (builder.Length == 100)
            {
                break;
            }

            builder.Append(char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        }

        string safe = builder.ToString().Trim('.', '_', ' ');
        if (safe.Length == 0)
        {
            return "image";
        }

        // A device name is one whatever follows its first dot ("nul.tar" is NUL on Windows): mark the first part.
        int firstDot = safe.IndexOf('.', StringComparison.Ordinal);
        string device = (firstDot >= 0 ? safe[..firstDot] : safe).ToUpperInvariant();
        bool reserved = device is "CON" or "PRN" or "AUX" or "NUL"
            || (device.Length == 4 && (device.StartsWith("COM", StringComparison.Ordinal) || device.StartsWith("LPT", StringComparison.Ordinal)) && char.IsAsciiDigit(device[3]));
        return !reserved ? safe : firstDot >= 0 ? safe.Insert(firstDot, "_") : safe + "_";
    }

    private static string WithExtension(string path, string extension)
    {
        string current = Path.GetExtension(path);
        bool same = string.Equals(current, extension, StringComparison.OrdinalIgnoreCase)
            || (extension == ".jpg" && string.Equals(current, ".jpeg", StringComparison.OrdinalIgnoreCase));
        return same ? path : (ImageMediaTypes.FromFileName(path) is null && current.Length > 0 ? path + extension : Path.ChangeExtension(path, extension));
    }
}
