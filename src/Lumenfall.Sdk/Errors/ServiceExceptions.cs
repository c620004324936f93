namespace Lumenfall.Sdk;

/// <summary>The service refused the request as malformed (HTTP 400 or 422 without field errors).</summary>
public class LumenfallBadRequestException : LumenfallException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What the service said.</param>
    public LumenfallBadRequestException(string message)
        : base(message)
    {
    }

    /// <summary>Gets the parameter the service blamed (its <c>param</c>), when it named one.</summary>
    public string? Parameter { get; init; }
}

/// <summary>The API key is missing, wrong or not allowed to do this (HTTP 401 or 403).</summary>
public class LumenfallAuthenticationException : LumenfallException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What the service said.</param>
    public LumenfallAuthenticationException(string message)
        : base(message)
    {
    }
}

/// <summary>The account has too little balance for the request (HTTP 402, <c>INSUFFICIENT_BALANCE</c>).</summary>
public class LumenfallInsufficientBalanceException : LumenfallException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What the service said.</param>
    public LumenfallInsufficientBalanceException(string message)
        : base(message)
    {
    }
}

/// <summary>The model, task or request does not exist or is disabled (HTTP 404, <c>MODEL_NOT_FOUND</c>, <c>MODEL_DISABLED</c>, <c>task_not_exist</c>).</summary>
public class LumenfallNotFoundException : LumenfallException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What the service said.</param>
    public LumenfallNotFoundException(string message)
        : base(message)
    {
    }
}

/// <summary>Too many requests (HTTP 429). <see cref="LumenfallException.RetryAfter"/> says how long to wait, when the service said.</summary>
public class LumenfallRateLimitException : LumenfallException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What the service said.</param>
    public LumenfallRateLimitException(string message)
        : base(message)
    {
    }
}

/// <summary>The prompt or an image was refused by a safety system. Retrying the same request will not help.</summary>
public class LumenfallContentPolicyException : LumenfallException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What the service said.</param>
    public LumenfallContentPolicyException(string message)
        : base(message)
    {
    }
}

/// <summary>
/// The service or the providers behind it failed (HTTP 5xx, <c>ALL_PROVIDERS_EXHAUSTED</c>, <c>UPSTREAM_ERROR</c>).
/// The request may or may not have been processed; the SDK never replays a billable request after such an error.
/// </summary>
public class LumenfallUpstreamException : LumenfallException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What the service said.</param>
    public LumenfallUpstreamException(string message)
        : base(message)
    {
    }
}

/// <summary>
/// The SDK stopped waiting because a timeout it enforces ran out. For a generation, the image may still be
/// produced and billed: <see cref="LumenfallException.ClientRequestId"/> identifies the request.
/// </summary>
public class LumenfallTimeoutException : LumenfallException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What timed out and what that means.</param>
    /// <param name="timeout">The timeout that ran out.</param>
    public LumenfallTimeoutException(string message, TimeSpan timeout)
        : base(message)
    {
        Timeout = timeout;
    }

    /// <summary>Creates the exception with the cancellation that ended the wait.</summary>
    /// <param name="message">What timed out and what that means.</param>
    /// <param name="timeout">The timeout that ran out.</param>
    /// <param name="innerException">The cancellation.</param>
    public LumenfallTimeoutException(string message, TimeSpan timeout, Exception? innerException)
        : base(message, innerException)
    {
        Timeout = timeout;
    }

    /// <summary>Gets the timeout that ran out.</summary>
    public TimeSpan Timeout { get; }
}
