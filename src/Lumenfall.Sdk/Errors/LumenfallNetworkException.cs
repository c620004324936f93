namespace Lumenfall.Sdk;

/// <summary>
/// The connection failed, was reset, or closed before the whole response arrived (no response, or a body cut
/// short). A billable request that failed this way is never replayed by the SDK: it may have been processed.
/// <see cref="LumenfallException.ClientRequestId"/> identifies it, and for a long-running job
/// <see cref="LumenfallException.RehydrationToken"/> resumes it.
/// </summary>
public class LumenfallNetworkException : LumenfallException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed.</param>
    public LumenfallNetworkException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the failure behind it.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The network error.</param>
    public LumenfallNetworkException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
