namespace Lumenfall.Sdk.Http;

/// <summary>
/// Checks what becomes part of a URL: a URL a server sent must be absolute <c>http</c>/<c>https</c> before the SDK
/// follows it, and an id or name placed in a path must stay one segment (no <c>..</c>, no control characters).
/// </summary>
internal static class ServerUrls
{
    private const int MaxUrlLength = 16 * 1024;

    /// <summary>
    /// Whether <paramref name="value"/> is an absolute http(s) URL with a host, no user info, no control characters,
    /// and (when <paramref name="apiKey"/> is given) without the key in it: a URL is logged and traced.
    /// </summary>
    public static bool TryParse(string? value, out Uri? uri, string? apiKey = null)
    {
        uri = null;
        return !string.IsNullOrWhiteSpace(value)
            && value.Length <= MaxUrlLength
            && !value.Any(char.IsControl)
            && (string.IsNullOrEmpty(apiKey) || !value.Contains(apiKey, StringComparison.Ordinal))
            && Uri.TryCreate(value, UriKind.Absolute, out uri)
            && uri.Scheme is "http" or "https"
            && uri.Host.Length > 0
            && uri.UserInfo.Length == 0;
    }

    /// <summary>Whether a server-given id can be one URL path segment and carries no key (ids are logged and traced).</summary>
    public static bool IsSafeId(string? id, string? apiKey) =>
        IsSafeSegment(id) && (string.IsNullOrEmpty(apiKey) || !id!.Contains(apiKey, StringComparison.Ordinal));

    /// <summary>
    /// The URL in the server's field <paramref name="field"/>, or a <see cref="LumenfallUnexpectedResponseException"/>
    /// naming the field (a relative or malformed URL never reaches <see cref="HttpClient"/>).
    /// </summary>
    public static Uri Require(string? value, string field, ImageService? service, string? apiKey = null) =>
        TryParse(value, out Uri? uri, apiKey) ? uri! : throw Invalid(value, field, service, apiKey);

    /// <summary>The exception for a server field <paramref name="field"/> that is not a usable URL (the value redacted, then cut).</summary>
    public static LumenfallUnexpectedResponseException Invalid(string? value, string field, ImageService? service, string? apiKey = null) =>
        new($"{(service is null ? "The service" : service.ToString())} sent {field} '{ServiceErrors.Cap(ServiceErrors.Redact(value, apiKey), 200)}', which is not an absolute http(s) URL without user info; the SDK does not follow it.")
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
