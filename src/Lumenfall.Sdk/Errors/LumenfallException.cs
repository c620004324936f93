using System.Net;
using Lumenfall.Sdk.Http;

namespace Lumenfall.Sdk;

/// <summary>
/// The root of every exception the SDK throws for a failed call: what the service said (status, code, type),
/// which request it was, and how long to wait before trying again when the service said so.
/// </summary>
public class LumenfallException : Exception
{
    private ImageService? _service;
    private HttpStatusCode? _statusCode;
    private string? _errorCode;
    private string? _errorType;
    private string? _requestId;
    private string? _clientRequestId;
    private TimeSpan? _retryAfter;
    private string? _rawBody;
    private string? _operationId;
    private string? _rehydrationToken;
    private string? _message;
    private ResponseInfo? _response;

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

    /// <inheritdoc />
    public override string Message => _message ?? base.Message;

    /// <summary>Gets the HTTP response that produced this failure (status, key-free headers, request ids), when one arrived.</summary>
    public ResponseInfo? Response { get => _response; internal init => _response = value; }

    /// <summary>Gets the service this call went to, when known.</summary>
    public ImageService? Service { get => _service; internal init => _service = value; }

    /// <summary>Gets the HTTP status the service returned, or <see langword="null"/> when no response arrived.</summary>
    public HttpStatusCode? StatusCode { get => _statusCode; internal init => _statusCode = value; }

    /// <summary>Gets the service's error code, for example <c>MODEL_NOT_FOUND</c>.</summary>
    public string? ErrorCode { get => _errorCode; internal init => _errorCode = value; }

    /// <summary>Gets the service's error type, for example <c>invalid_request_error</c>.</summary>
    public string? ErrorType { get => _errorType; internal init => _errorType = value; }

    /// <summary>Gets the service's request id, when it sent one.</summary>
    public string? RequestId { get => _requestId; internal init => _requestId = value; }

    /// <summary>Gets the id the SDK sent as <c>X-Client-Request-Id</c> on every attempt of this call.</summary>
    public string? ClientRequestId { get => _clientRequestId; internal init => _clientRequestId = value; }

    /// <summary>Gets how long the service asked to wait before retrying, when it said.</summary>
    public TimeSpan? RetryAfter { get => _retryAfter; internal init => _retryAfter = value; }

    /// <summary>Gets the start of the raw response body (at most 4 KB), for diagnosis. Never contains the API key.</summary>
    public string? RawBody { get => _rawBody; internal init => _rawBody = value; }

    /// <summary>Gets the id of the long-running operation this failure belongs to, when it belongs to one (fal request id, OmniRouters task id).</summary>
    public string? OperationId { get => _operationId; internal init => _operationId = value; }

    /// <summary>Gets the token from which <see cref="ImageClient.ResumeOperation"/> rebuilds the operation, when there is one.</summary>
    public string? RehydrationToken { get => _rehydrationToken; internal init => _rehydrationToken = value; }

    /// <summary>Records the operation a failure belongs to, unless it already names one.</summary>
    internal TException ForOperation<TException>(string operationId, string? rehydrationToken)
        where TException : LumenfallException
    {
        _operationId ??= operationId;
        _rehydrationToken ??= rehydrationToken;
        return (TException)this;
    }

    /// <summary>Fills in which call failed, where the exception does not say yet.</summary>
    internal void FillCall(ImageService service, string? clientRequestId, string? requestId, ResponseInfo? response = null)
    {
        _response ??= response;
        _service ??= service;
        _clientRequestId ??= clientRequestId;
        _requestId ??= requestId;
    }

    /// <summary>
    /// Makes the exception safe to log: the API key is replaced with <c>***</c> in the message and every text
    /// field (a server may echo the key back), and the message is capped at <see cref="ServiceErrors.MessageLimit"/>.
    /// </summary>
    internal TException Sanitize<TException>(string? apiKey)
        where TException : LumenfallException
    {
        string message = ServiceErrors.CapMessage(ServiceErrors.Redact(Message, apiKey)!);
        if (!ReferenceEquals(message, Message) && message != Message)
        {
            _message = message;
        }

        _errorCode = ServiceErrors.Redact(_errorCode, apiKey);
        _errorType = ServiceErrors.Redact(_errorType, apiKey);
        _requestId = ServiceErrors.Redact(_requestId, apiKey);
        _clientRequestId = ServiceErrors.Redact(_clientRequestId, apiKey);
        _rawBody = ServiceErrors.Redact(_rawBody, apiKey);
        _operationId = ServiceErrors.Redact(_operationId, apiKey);
        return (TException)this;
    }

    /// <summary>Fills in what the SDK learned about the failed call (used by the SDK's exception factory).</summary>
    internal TException With<TException>(in ServiceErrorDetails details)
        where TException : LumenfallException
    {
        _service = details.Service;
        _statusCode = details.StatusCode;
        _errorCode = details.ErrorCode;
        _errorType = details.ErrorType;
        _requestId = details.RequestId;
        _clientRequestId = details.ClientRequestId;
        _retryAfter = details.RetryAfter;
        _rawBody = details.RawBody;
        return (TException)this;
    }
}

/// <summary>What a failed call said, carried onto an exception.</summary>
internal readonly record struct ServiceErrorDetails(
    ImageService Service,
    HttpStatusCode? StatusCode,
    string? ErrorCode,
    string? ErrorType,
    string? RequestId,
    string? ClientRequestId,
    TimeSpan? RetryAfter,
    string? RawBody)
{
    /// <summary>The one way to describe a call's failure: the service, the response's status and the ids; the rest is filled by the error parser.</summary>
    public static ServiceErrorDetails Of(
        ImageService service, HttpStatusCode? status = null, string? requestId = null, string? clientRequestId = null,
        TimeSpan? retryAfter = null, string? rawBody = null, string? errorCode = null, string? errorType = null) =>
        new(service, status, errorCode, errorType, requestId, clientRequestId, retryAfter, rawBody);
}
