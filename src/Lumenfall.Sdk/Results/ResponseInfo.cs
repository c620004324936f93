using System.Net;
using System.Net.Http.Headers;
using Lumenfall.Sdk.Http;

namespace Lumenfall.Sdk;

/// <summary>
/// The HTTP response a result or an exception came from: its status, its headers (any value holding the API key
/// redacted) and the request ids. For diagnosis and for headers the SDK does not map, such as rate-limit counters.
/// </summary>
public sealed class ResponseInfo
{
    /// <summary>Creates the description of a response (the SDK does; <see cref="LumenfallModelFactory"/> for tests).</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="headers">The response and content headers by name (case-insensitive lookups).</param>
    /// <param name="requestId">The service's request id, when it sent one.</param>
    /// <param name="clientRequestId">The <c>X-Client-Request-Id</c> the SDK sent.</param>
    public ResponseInfo(HttpStatusCode statusCode, IReadOnlyDictionary<string, IReadOnlyList<string>>? headers = null, string? requestId = null, string? clientRequestId = null)
    {
        StatusCode = statusCode;
        _headers = headers is null
            ? new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase)
            : new Dictionary<string, IReadOnlyList<string>>(headers, StringComparer.OrdinalIgnoreCase);
        RequestId = requestId;
        ClientRequestId = clientRequestId;
    }

    private ResponseInfo(HttpStatusCode status, HttpResponseMessage response, string? requestId, string? clientRequestId, string? apiKey)
    {
        StatusCode = status;
        RequestId = requestId;
        ClientRequestId = clientRequestId;
        _source = (response.Headers, response.Content.Headers, apiKey);
    }

    // The headers are copied (and redacted) on first use: most results are never asked for them.
    private IReadOnlyDictionary<string, IReadOnlyList<string>>? _headers;
    private (HttpResponseHeaders Response, HttpContentHeaders Content, string? ApiKey)? _source;

    /// <summary>Gets the HTTP status.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>Gets the response and content headers by name, looked up without regard to case; never the API key.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Headers => _headers ??= Copy(_source!.Value);

    /// <summary>Gets the service's request id (<c>X-Lumenfall-Request-Id</c>, <c>x-fal-request-id</c>, <c>x-request-id</c>), when it sent one.</summary>
    public string? RequestId { get; }

    /// <summary>Gets the <c>X-Client-Request-Id</c> the SDK sent on every attempt of the call.</summary>
    public string? ClientRequestId { get; }

    /// <summary>The first value of a header, or null.</summary>
    /// <param name="name">The header name, in any case.</param>
    /// <returns>The value.</returns>
    public string? Header(string name) => Headers.TryGetValue(name, out IReadOnlyList<string>? values) && values.Count > 0 ? values[0] : null;

    /// <inheritdoc />
    public override string ToString() => $"{(int)StatusCode} {StatusCode}{(RequestId is null ? string.Empty : ", request id " + RequestId)}";

    /// <summary>Describes <paramref name="response"/>, with every header value holding <paramref name="apiKey"/> redacted.</summary>
    internal static ResponseInfo From(HttpResponseMessage response, string? clientRequestId, string? apiKey) =>
        new(response.StatusCode, response, ServiceErrors.Redact(ServiceErrors.RequestIdFrom(response.Headers), apiKey), clientRequestId, apiKey);

    private static Dictionary<string, IReadOnlyList<string>> Copy((HttpResponseHeaders Response, HttpContentHeaders Content, string? ApiKey) source)
    {
        var headers = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, HeaderStringValues> header in source.Response.NonValidated.Concat(source.Content.NonValidated))
        {
            headers[header.Key] = header.Value.Select(v => ServiceErrors.Cap(ServiceErrors.Redact(v, source.ApiKey), 1024)!).ToList();
        }

        return headers;
    }
}
