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
        HttpClient client = HttpStack.CreateClient(null, options, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, HttpStack.SharedHandler);
        return new ImageDownloader(() => client, options.TimeProvider, options.DownloadTimeout, options.MaxResponseBytes);
    });

    private readonly Func<HttpClient> _http;
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;
    private readonly long _maxBytes;

    public ImageDownloader(Func<HttpClient> http, TimeProvider time, TimeSpan timeout, long maxBytes)
    {
        _http = http;
        _time = time;
        _timeout = timeout;
        _maxBytes = maxBytes;
    }

    /// <summary>The downloader used by images created outside a client.</summary>
    public static ImageDownloader Default => Shared.Value;

    /// <summary>Downloads (or decodes) the image at <paramref name="url"/> into memory.</summary>
    public async Task<(byte[] Bytes, string? MediaType)> DownloadAsync(string url, CancellationToken cancellationToken)
    {
        if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            return DataUri.Decode(url);
        }

        var uri = new Uri(url, UriKind.Absolute);
        using var timeoutSource = new CancellationTokenSource(_timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Options.Set(ServiceChannel.PurposeKey, CallPurpose.Download);
            using HttpResponseMessage response = await _http().SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new LumenfallException($"Downloading the image from {uri.GetLeftPart(UriPartial.Path)} failed with {(int)response.StatusCode} {response.ReasonPhrase}.")
                {
                    StatusCode = response.StatusCode,
                };
            }

            byte[] bytes = await ReadAllAsync(response.Content, _maxBytes, linked.Token).ConfigureAwait(false);
            return (bytes, response.Content.Headers.ContentType?.MediaType);
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new LumenfallTimeoutException($"Downloading the image from {uri.GetLeftPart(UriPartial.Path)} took longer than {_timeout}.", _timeout);
        }
        catch (HttpRequestException ex)
        {
            throw new LumenfallException($"Downloading the image from {uri.GetLeftPart(UriPartial.Path)} failed: {ex.Message}", ex);
        }
    }

    /// <summary>Reads a body into memory, refusing one larger than <paramref name="maxBytes"/>.</summary>
    public static async Task<byte[]> ReadAllAsync(HttpContent content, long maxBytes, CancellationToken cancellationToken)
    {
        Stream stream = await ResponseBody.OpenAsync(content, maxBytes, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream(content.Headers.ContentLength is long length ? (int)Math.Min(length, int.MaxValue) : 64 * 1024);
            await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            return buffer.Length == buffer.Capacity ? buffer.GetBuffer() : buffer.ToArray();
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
