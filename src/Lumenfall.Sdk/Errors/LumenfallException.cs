using System.Net;

namespace Lumenfall.Sdk;

/// <summary>
/// The root of every exception the SDK throws for a failed call: what the service said (status, code, type),
/// which request it was, and how long to wait before trying again when the service said so.
/// </summary>
public class LumenfallException : Exception
{
    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public LumenfallException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public LumenfallException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception with no message (for serializers and mocks).</summary>
    public LumenfallException()
    {
    }

    /// <summary>Gets the service this call went to, when known.</summary>
    public ImageService? Service { get; init; }

    /// <summary>Gets the HTTP status the service returned, or <see langword="null"/> when no response arrived.</summary>
    public HttpStatusCode? StatusCode { get; init; }

    /// <summary>Gets the service's error code, for example <c>MODEL_NOT_FOUND</c>.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>Gets the service's error type, for example <c>invalid_request_error</c>.</summary>
    public string? ErrorType { get; init; }

    /// <summary>Gets the service's request id (or the SDK's client request id when the service sent none).</summary>
    public string? RequestId { get; init; }

    /// <summary>Gets how long the service asked to wait before retrying, when it said.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Gets the start of the raw response body (at most 4 KB), for diagnosis.</summary>
    public string? RawBody { get; init; }
}
