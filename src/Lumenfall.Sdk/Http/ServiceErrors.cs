using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Lumenfall.Sdk.Serialization;

namespace Lumenfall.Sdk.Http;

/// <summary>Turns a failed response into the SDK's typed exception: the error code decides first, then the status.</summary>
internal static class ServiceErrors
{
    /// <summary>The most of a body kept on an exception.</summary>
    public const int RawBodyLimit = 4096;

    /// <summary>The longest exception message: server text beyond it is cut (a service may send megabytes).</summary>
    public const int MessageLimit = 2048;

    /// <summary>The longest wait a service can ask for that the SDK records (longer asks are clamped to it).</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromDays(1);

    /// <summary>The most of an error body read at all (error bodies are small; this bounds a misbehaving server).</summary>
    private const int ReadLimit = 64 * 1024;

    public static async Task<LumenfallException> FromResponseAsync(
        ImageService service, HttpResponseMessage response, string? clientRequestId, string? apiKey, TimeProvider time, CancellationToken cancellationToken)
    {
        byte[] body = await ReadBoundedAsync(response.Content, ReadLimit, cancellationToken).ConfigureAwait(false);
        var details = ServiceErrorDetails.Of(
            service, response.StatusCode, RequestIdFrom(response.Headers), clientRequestId,
            RetryAfterFrom(response.Headers, time), body.Length == 0 ? null : JsonText.Decode(body));
        ErrorBody error = ErrorBody.Parse(body);
        if (error.Type is null && Header(response.Headers, "X-Fal-Error-Type") is string falType)
        {
            error = error with { Type = falType, Code = error.Code ?? falType };
        }

        return Create(details, error, apiKey);
    }

    /// <summary>Builds the exception for an error (from a failed response or from a 200 whose body carries one).</summary>
    public static LumenfallException Create(ServiceErrorDetails details, ErrorBody error, string? apiKey)
    {
        // Redact first, then cut: a cut could leave part of a key that the later redaction no longer matches.
        error = error.Redact(apiKey);
        int status = details.StatusCode is HttpStatusCode code ? (int)code : 0;
        string what = string.IsNullOrWhiteSpace(error.Message) ? DefaultMessage(status) : CapMessage(error.Message!.Trim());
        string message = CapMessage(
            $"{details.Service} {(status == 0 ? "reported an error" : $"returned {status}")}{(error.Code is null ? string.Empty : " " + Cap(error.Code, 200))}: {what}");
        details = details with { ErrorCode = Cap(error.Code, 200), ErrorType = Cap(error.Type, 200), RawBody = Cap(Redact(details.RawBody, apiKey)) };
        error = error with { Param = Cap(error.Param, 200) };

        string key = (error.Code ?? string.Empty).ToUpperInvariant();
        string type = (error.Type ?? string.Empty).ToUpperInvariant();
        return Classify(details, error, message, status, key, type).Sanitize<LumenfallException>(apiKey);
    }

    private static LumenfallException Classify(in ServiceErrorDetails details, ErrorBody error, string message, int status, string key, string type)
    {
        return key switch
        {
            "CONTENT_POLICY_VIOLATION" or "MODERATION_BLOCKED" or "CONTENT_POLICY" => new LumenfallContentPolicyException(message).With<LumenfallException>(details),
            _ when type.Contains("CONTENT_POLICY", StringComparison.Ordinal) => new LumenfallContentPolicyException(message).With<LumenfallException>(details),
            "INSUFFICIENT_BALANCE" or "INSUFFICIENT_QUOTA" => new LumenfallInsufficientBalanceException(message).With<LumenfallException>(details),
            "AUTHENTICATION_FAILED" => new LumenfallAuthenticationException(message).With<LumenfallException>(details),
            "MODEL_NOT_FOUND" or "MODEL_DISABLED" or "TASK_NOT_EXIST" or "NOT_FOUND" or "RECORDING_NOT_FOUND" => new LumenfallNotFoundException(message).With<LumenfallException>(details),
            "RATE_LIMITED" or "RATE_LIMIT_EXCEEDED" => new LumenfallRateLimitException(message).With<LumenfallException>(details),
            "ALL_PROVIDERS_EXHAUSTED" or "UPSTREAM_ERROR" or "INTERNAL_ERROR" => new LumenfallUpstreamException(message).With<LumenfallException>(details),
            _ => status switch
            {
                401 or 403 => new LumenfallAuthenticationException(message).With<LumenfallException>(details),
                402 => new LumenfallInsufficientBalanceException(message).With<LumenfallException>(details),
                404 => new LumenfallNotFoundException(message).With<LumenfallException>(details),
                429 => new LumenfallRateLimitException(message).With<LumenfallException>(details),
                >= 500 => new LumenfallUpstreamException(message).With<LumenfallException>(details),
                400 or 422 when error.FieldErrors.Count > 0 => new LumenfallValidationException(error.FieldErrors, message, fromService: true).With<LumenfallException>(details),
                400 or 422 or 413 or 415 => new LumenfallBadRequestException(message) { ParameterName = error.Param }.With<LumenfallException>(details),
                _ => new LumenfallException(message).With<LumenfallException>(details),
            },
        };
    }

    /// <summary>The service's request id from the headers the three services use.</summary>
    public static string? RequestIdFrom(HttpResponseHeaders headers) =>
        Header(headers, "X-Lumenfall-Request-Id") ?? Header(headers, "x-fal-request-id") ?? Header(headers, "x-request-id");

    /// <summary>
    /// Reads <c>retry-after-ms</c>, else <c>Retry-After</c> (seconds or an HTTP date). Never throws: a value that is
    /// not a finite number or a date is ignored, a negative wait becomes zero, and a wait beyond
    /// <see cref="MaxRetryAfter"/> is clamped to it.
    /// </summary>
    public static TimeSpan? RetryAfterFrom(HttpResponseHeaders headers, TimeProvider time)
    {
        if (Header(headers, "retry-after-ms") is string ms
            && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out double milliseconds) && double.IsFinite(milliseconds))
        {
            return Clamp(milliseconds / 1000);
        }

        if (Header(headers, "Retry-After") is not string text)
        {
            return null;
        }

        text = text.Trim();
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds))
        {
            return double.IsFinite(seconds) ? Clamp(seconds) : null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out DateTimeOffset date)
            ? Clamp(date > time.GetUtcNow() + MaxRetryAfter ? MaxRetryAfter.TotalSeconds : (date - time.GetUtcNow()).TotalSeconds)
            : null;
    }

    private static TimeSpan Clamp(double seconds) =>
        seconds <= 0 ? TimeSpan.Zero : seconds >= MaxRetryAfter.TotalSeconds ? MaxRetryAfter : TimeSpan.FromSeconds(seconds);

    /// <summary>Replaces every occurrence of the API key with <c>***</c>.</summary>
    public static string? Redact(string? text, string? apiKey) =>
        text is null || string.IsNullOrEmpty(apiKey) ? text : text.Replace(apiKey, "***", StringComparison.Ordinal);

    public static async Task<byte[]> ReadBoundedAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        Stream stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            byte[] buffer = new byte[limit];
            int total = 0, read;
            while (total < limit && (read = await stream.ReadAsync(buffer.AsMemory(total, limit - total), cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
            }

            return buffer[..total];
        }
    }

    /// <summary>The first 4 KB of a (redacted) body, cut on a character boundary.</summary>
    public static string? Cap(string? text) => Cap(text, RawBodyLimit);

    /// <summary>An exception message cut to <see cref="MessageLimit"/> characters.</summary>
    public static string CapMessage(string text) => Cap(text, MessageLimit)!;

    /// <summary>The first <paramref name="limit"/> characters of <paramref name="text"/>, cut on a character boundary.</summary>
    public static string? Cap(string? text, int limit)
    {
        if (text is null || text.Length <= limit)
        {
            return text;
        }

        int end = char.IsHighSurrogate(text[limit - 1]) ? limit - 1 : limit;
        return text[..end] + "…";
    }

    /// <summary>
    /// <paramref name="exception"/> if no message in its chain holds the key; otherwise a stand-in that keeps the
    /// type name and the redacted message (an inner exception cannot be changed once attached).
    /// </summary>
    public static Exception SafeInner(Exception exception, string? apiKey)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (!string.IsNullOrEmpty(apiKey) && e.Message.Contains(apiKey, StringComparison.Ordinal))
            {
                return new RedactedException($"{exception.GetType().Name}: {Redact(exception.Message, apiKey)}");
            }
        }

        return exception;
    }

    private sealed class RedactedException(string message) : Exception(message);

    private static string? Header(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out IEnumerable<string>? values) ? values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v)) : null;

    private static string DefaultMessage(int status) => status switch
    {
        0 => "the response carried an error without a message",
        _ => $"the service gave no message ({(HttpStatusCode)status})",
    };
}
