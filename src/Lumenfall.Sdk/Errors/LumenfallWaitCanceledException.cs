namespace Lumenfall.Sdk;

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
