namespace Lumenfall.Sdk;

/// <summary>
/// A long-running operation finished without images: it failed on the service or was canceled.
/// <see cref="LumenfallException.OperationId"/> and <see cref="LumenfallException.RehydrationToken"/> identify it.
/// </summary>
public class LumenfallOperationFailedException : LumenfallException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What the service said.</param>
    /// <param name="status">How the operation ended.</param>
    /// <param name="innerException">The failure behind it, when there is one (for example a refused result fetch).</param>
    public LumenfallOperationFailedException(string message, ImageOperationStatus status, Exception? innerException = null)
        : base(message, innerException)
    {
        Status = status;
    }

    /// <summary>Gets how the operation ended: <see cref="ImageOperationStatus.Failed"/> or <see cref="ImageOperationStatus.Canceled"/>.</summary>
    public ImageOperationStatus Status { get; }
}

/// <summary>
/// The caller's cancellation token stopped the wait for a job that had already been submitted. The job keeps
/// running on the service: resume it with <see cref="RehydrationToken"/> or cancel it remotely.
/// </summary>
public class LumenfallWaitCanceledException : OperationCanceledException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="operationId">The job's id.</param>
    /// <param name="rehydrationToken">The token to resume it.</param>
    /// <param name="innerException">The cancellation.</param>
    public LumenfallWaitCanceledException(string operationId, string? rehydrationToken, OperationCanceledException innerException)
        : base($"Stopped waiting for operation {operationId}; it keeps running on the service. Resume it with its rehydration token, or cancel it remotely.", innerException, innerException?.CancellationToken ?? default)
    {
        OperationId = operationId;
        RehydrationToken = rehydrationToken;
    }

    /// <summary>Gets the job's id.</summary>
    public string OperationId { get; }

    /// <summary>Gets the token from which <see cref="ImageClient.ResumeOperation"/> rebuilds the operation.</summary>
    public string? RehydrationToken { get; }
}
