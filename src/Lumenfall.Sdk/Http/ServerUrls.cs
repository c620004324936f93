namespace Lumenfall.Sdk.Http;

/// <summary>
/// Checks what becomes part of a URL: a URL a server sent must be absolute <c>http</c>/<c>https</c> before the SDK
/// follows it, and an id or name placed in a path must stay one segment (no <c>..</c>, no control characters).
/// </summary>
internal static class ServerUrls
{
    private const int MaxUrlLength = 16 * 1024;

    /// <summary>Whether <paramref name="value"/> is an absolute http(s) URL with a host and no control characters.</summary>
    public static bool TryParse(string? value, out Uri? uri)
    {
        uri = null;
        return !string.IsNullOrWhiteSpace(value)
            && value.Length <= MaxUrlLength
            && !value.Any(char.IsControl)
            && Uri.TryCreate(value, UriKind.Absolute, out uri)
            && uri.Scheme is "http" or "https"
            && uri.Host.Length > 0;
    }

    /// <summary>
    /// The URL in the server's field <paramref name="field"/>, or a <see cref="LumenfallUnexpectedResponseException"/>
    /// naming the field (a relative or malformed URL never reaches <see cref="HttpClient"/>).
    /// </summary>
    public static Uri Require(string? value, string field, ImageService? service, string? apiKey = null) =>
        TryParse(value, out Uri? uri) ? uri! : throw Invalid(value, field, service).Sanitize<LumenfallUnexpectedResponseException>(apiKey);

    /// <summary>The exception for a server field <paramref name="field"/> that is not a usable URL.</summary>
    public static LumenfallUnexpectedResponseException Invalid(string? value, string field, ImageService? service) =>
        new($"{(service is null ? "The service" : service.ToString())} sent {field} '{ServiceErrors.Cap(value, 200)}', which is not an absolute http(s) URL; the SDK does not follow it.")
        {
            Service = service,
            Field = field,
        };

    /// <summary>Whether <paramref name="value"/> can be one URL path segment: not empty, not <c>.</c> or <c>..</c> (even escaped), no control characters.</summary>
    public static bool IsSafeSegment(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > 1024 || value.Any(char.IsControl))
        {
            return false;
        }

        string unescaped;
        try
        {
            unescaped = Uri.UnescapeDataString(value);
        }
        catch (UriFormatException)
        {
            return false;
        }

        return unescaped.Trim() is not ("." or "..") && value.Trim() is not ("." or "..") && !unescaped.Contains('\0', StringComparison.Ordinal);
    }

    /// <summary>
    /// <paramref name="path"/> escaped segment by segment (slashes kept), or null when a segment is unsafe
    /// (see <see cref="IsSafeSegment"/>).
    /// </summary>
    public static string? EscapePath(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        string[] segments = path.Split('/');
        return segments.All(IsSafeSegment) ? string.Join('/', segments.Select(Uri.EscapeDataString)) : null;
    }
}
