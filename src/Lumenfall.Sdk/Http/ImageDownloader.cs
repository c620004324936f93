using System.Net.Http.Headers;

namespace Lumenfall.Sdk.Http;

/// <summary>
/// Fetches result images. Its HTTP client carries no credentials, so a CDN or any other host never sees an API
/// key. Enforces the download timeout and the response size cap; decodes <c>data:</c> URIs locally.
/// </summary>
internal sealed class ImageDownloader
{
    private static readonly Lazy<ImageDownloader> Shared = new(() =>
    {
        var options = new LumenfallOptions();
        HttpClient client = HttpStack.CreateClient(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, HttpStack.SharedHandler, options.TimeProvider);
        return new ImageDownloader(() => client, options.TimeProvider, options.DownloadTimeout, options.MaxResponseBytes, options.DownloadRetry);
    });

    private readonly Func<HttpClient> _http;
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;
    private readonly long _maxBytes;
    private readonly Func<IEnumerable<string?>> _keys;
    private readonly CallSettings _settings;

    /// <param name="http">Gives the download client (no credentials).</param>
    /// <param name="time">The clock for the timeout.</param>
    /// <param name="timeout">How long one download may take.</param>
    /// <param name="maxBytes">The largest body read.</param>
    /// <param name="retry">How downloads are retried.</param>
    /// <param name="keys">The client's API keys: a download host never gets one, but one that echoes a key back gets it redacted.</param>
    public ImageDownloader(Func<HttpClient> http, TimeProvider time, TimeSpan timeout, long maxBytes, RetryOptions retry, Func<IEnumerable<string?>>? keys = null)
    {
        _http = http;
        _time = time;
        _timeout = timeout;
        _maxBytes = maxBytes;
        _keys = keys ?? (() => []);
        _settings = new CallSettings(null, null, [], retry, time);
    }

    /// <summary>The downloader used by images created outside a client.</summary>
    public static ImageDownloader Default => Shared.Value;

    /// <summary>Downloads (or decodes) the image at <paramref name="url"/> into memory.</summary>
    /// <exception cref="LumenfallException">The URL is unusable, or the download failed, timed out or was too large.</exception>
    public Task<(byte[] Bytes, string? MediaType)> DownloadAsync(string url, CancellationToken cancellationToken) =>
        SanitizedAsync(() => DownloadCoreAsync(
            url,
            decoded => Task.FromResult(decoded),
            async (content, token) => (await ReadAllAsync(content, _maxBytes, token).ConfigureAwait(false), content.Headers.ContentType?.MediaType),
            cancellationToken));

    /// <summary>
    /// Streams (or decodes) the image at <paramref name="url"/> into <paramref name="destination"/> as it arrives,
    /// never holding it whole, within the same timeout and size cap as <see cref="DownloadAsync"/>.
    /// </summary>
    /// <returns>The media type the server declared, if any.</returns>
    /// <exception cref="LumenfallException">The URL is unusable, or the download failed, timed out or was too large (part of the image may have been written).</exception>
    public Task<string?> CopyToAsync(string url, Stream destination, CancellationToken cancellationToken) =>
        SanitizedAsync(() => DownloadCoreAsync(
            url,
            async decoded =>
            {
                await destination.WriteAsync(decoded.Bytes, cancellationToken).ConfigureAwait(false);
                return decoded.MediaType;
            },
            async (content, token) =>
            {
                Stream body = await ResponseBody.OpenAsync(content, _maxBytes, token).ConfigureAwait(false);
                await using (body.ConfigureAwait(false))
                {
                    await body.CopyToAsync(destination, 81920, token).ConfigureAwait(false);
                }

                return content.Headers.ContentType?.MediaType;
            },
            cancellationToken));

    /// <summary>Runs a download with the keys of the client removed from any failure's text.</summary>
    private async Task<T> SanitizedAsync<T>(Func<Task<T>> download)
    {
        try
        {
            return await download().ConfigureAwait(false);
        }
        catch (LumenfallException ex)
        {
            foreach (string? key in _keys())
            {
                ex.Sanitize<LumenfallException>(key);
            }

            throw;
        }
    }

    private async Task<T> DownloadCoreAsync<T>(
        string url, Func<(byte[] Bytes, string? MediaType), Task<T>> decoded, Func<HttpContent, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        if (DataUri.IsDataUri(url))
        {
            (byte[] Bytes, string? MediaType) data;
            try
            {
                data = DataUri.Decode(url);
            }
            catch (FormatException ex)
            {
                throw new LumenfallUnexpectedResponseException($"The image's data URI is not valid: {ex.Message}", ex) { Field = "url" };
            }

            return await decoded(data).ConfigureAwait(false);
        }

        Uri uri = ServerUrls.Require(url, "url", null);
        string where = uri.GetLeftPart(UriPartial.Path);
        using var timeoutSource = new CancellationTokenSource(_timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        HttpResponseMessage? response = null;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            new CallState(_settings, CallPurpose.Download).AttachTo(request);
            response = await _http().SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new LumenfallException($"Downloading the image from {where} failed with {(int)response.StatusCode} {ServiceErrors.Cap(response.ReasonPhrase, 200)}.")
                {
                    StatusCode = response.StatusCode,
                };
            }

            return await read(response.Content, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(ex.Message, ex, cancellationToken);
        }
        catch (OperationCanceledException ex) when (timeoutSource.IsCancellationRequested || ex.InnerException is TimeoutException)
        {
            throw new LumenfallTimeoutException($"Downloading the image from {where} took longer than {_timeout}.", _timeout, ex) { StatusCode = response?.StatusCode };
        }
        catch (InvalidDataException ex)
        {
            // A handler that decompresses the body (a host's, or a primary handler with AutomaticDecompression) met bytes that do not decode.
            throw new LumenfallUnexpectedResponseException($"The image from {where} could not be decoded as sent: {ServiceErrors.CapMessage(ex.Message)}", ex)
            {
                StatusCode = response?.StatusCode,
                Field = "body",
            };
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or IOException)
        {
            throw new LumenfallNetworkException($"Downloading the image from {where} failed {(response is null ? "before a response arrived" : "while its body was read")}: {ServiceErrors.CapMessage(ex.Message)}", ex)
            {
                StatusCode = response?.StatusCode,
            };
        }
        finally
        {
            response?.Dispose();
        }
    }

    /// <summary>
    /// Reads a body into memory, refusing one larger than <paramref name="maxBytes"/>. The buffer grows with what
    /// arrives (a declared <c>Content-Length</c> is trusted only as an upper bound), so a body that claims 200 MB
    /// and sends 68 bytes costs 68 bytes; an honest length is read into one array of exactly that size.
    /// </summary>
    public static async Task<byte[]> ReadAllAsync(HttpContent content, long maxBytes, CancellationToken cancellationToken)
    {
        const int FirstChunk = 64 * 1024;
        long? declared = content.Headers.ContentLength;
        Stream stream = await ResponseBody.OpenAsync(content, maxBytes, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            long limit = Math.Min(declared ?? maxBytes, Math.Min(maxBytes, Array.MaxLength));
            byte[] buffer = new byte[(int)Math.Max(1, Math.Min(limit, FirstChunk))];
            int total = 0;
            while (true)
            {
                if (total == buffer.Length)
                {
                    long grown = Math.Min(Math.Max((long)buffer.Length * 2, FirstChunk), Math.Min(maxBytes, Array.MaxLength));
                    if (declared is long length && total < length)
                    {
                        grown = Math.Min(grown, length);   // an honest length ends in an exact fit
                    }

                    if (grown <= buffer.Length)
                    {
                        grown = buffer.Length + 1;   // more than declared arrives: the size cap still applies below
                    }

                    Array.Resize(ref buffer, (int)Math.Min(grown, Array.MaxLength));
                }

                int read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return total == buffer.Length ? buffer : buffer[..total];
                }

                total += read;
            }
        }
    }
}

/// <summary>Decodes <c>data:[media type][;base64],payload</c> URIs.</summary>
internal static class DataUri
{
    /// <summary>The media type a data URI declares, or null.</summary>
    public static string? MediaTypeOf(string dataUri)
    {
        int end = dataUri.IndexOfAny([';', ',']);
        return end > 5 ? dataUri[5..end] : null;
    }

    public static bool IsDataUri(string? text) => text?.StartsWith("data:", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>The data URI for bytes of a media type.</summary>
    public static string Encode(ReadOnlySpan<byte> bytes, string mediaType) => $"data:{mediaType};base64,{Convert.ToBase64String(bytes)}";

    public static (byte[] Bytes, string? MediaType) Decode(string uri)
    {
        int comma = uri.IndexOf(',', StringComparison.Ordinal);
        if (!uri.StartsWith("data:", StringComparison.OrdinalIgnoreCase) || comma < 0)
        {
            throw new FormatException("Not a data URI.");
        }

        string header = uri[5..comma];
        string payload = uri[(comma + 1)..];
        bool base64 = header.EndsWith(";base64", StringComparison.OrdinalIgnoreCase);
        string mediaType = base64 ? header[..^7] : header;
        byte[] bytes = base64 ? Convert.FromBase64String(payload) : System.Text.Encoding.UTF8.GetBytes(Uri.UnescapeDataString(payload));
        return (bytes, mediaType.Length == 0 ? null : MediaTypeHeaderValue.TryParse(mediaType, out var parsed) ? parsed.MediaType : mediaType);
    }
}
