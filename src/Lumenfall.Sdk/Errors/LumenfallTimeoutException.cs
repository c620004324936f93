namespace Lumenfall.Sdk;

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
