using System.Runtime.CompilerServices;

namespace Lumenfall.Sdk;

/// <summary>
/// A generation that runs on the service while the caller waits, polls or leaves: an id, a status, logs, and the
/// result when it is done. Save <see cref="RehydrationToken"/> to resume it elsewhere with
/// <see cref="ImageClient.ResumeOperation"/>. The caller's cancellation token stops waiting, never the remote job;
/// <see cref="CancelAsync"/> cancels the job. Services that answer synchronously return an operation that is
/// already complete.
/// </summary>
public abstract class ImageOperation
{
    /// <summary>Creates an operation (for subclasses and mocks).</summary>
    protected ImageOperation()
    {
    }

    /// <summary>Gets the service's id for the operation (fal request id, OmniRouters task id, Lumenfall request id).</summary>
    public abstract string Id { get; }

    /// <summary>Gets the model the operation runs.</summary>
    public abstract string ModelId { get; }

    /// <summary>Gets the service running the operation.</summary>
    public abstract ImageService Service { get; }

    /// <summary>Gets the last status seen.</summary>
    public abstract ImageOperationStatus Status { get; }

    /// <summary>Gets the position in the queue while queued (0 is next), when the service says.</summary>
    public virtual int? QueuePosition => null;

    /// <summary>Gets every log line seen so far.</summary>
    public virtual IReadOnlyList<OperationLog> Logs => [];

    /// <summary>Gets whether the operation has finished (succeeded, failed or canceled).</summary>
    public bool HasCompleted => Status is ImageOperationStatus.Succeeded or ImageOperationStatus.Failed or ImageOperationStatus.Canceled;

    /// <summary>Gets the result once it has been fetched (after <see cref="WaitForCompletionAsync(CancellationToken)"/>); otherwise <see langword="null"/>.</summary>
    public abstract ImageGenerationResult? Value { get; }

    /// <summary>
    /// Gets a string from which <see cref="ImageClient.ResumeOperation"/> rebuilds this operation in another
    /// process. It holds the service, the model and the job's id: no URL, never a key. Null for an operation that cannot be resumed.
    /// </summary>
    public virtual string? RehydrationToken => null;

    /// <summary>Asks the service once for the current status.</summary>
    /// <param name="cancellationToken">Stops the call (not the remote operation).</param>
    /// <returns>The status now.</returns>
    /// <exception cref="LumenfallException">The service refused or failed the call; the exception carries the operation id and token.</exception>
    public abstract Task<ImageOperationStatus> UpdateStatusAsync(CancellationToken cancellationToken = default);

    /// <summary>Waits until the operation finishes and returns its result.</summary>
    /// <param name="cancellationToken">Stops the waiting, never the remote operation.</param>
    /// <returns>The result.</returns>
    /// <exception cref="LumenfallOperationFailedException">The operation failed or was canceled.</exception>
    /// <exception cref="LumenfallWaitCanceledException"><paramref name="cancellationToken"/> stopped the wait; it carries the operation's id and rehydration token.</exception>
    public Task<ImageGenerationResult> WaitForCompletionAsync(CancellationToken cancellationToken) =>
        WaitForCompletionAsync(null, cancellationToken);

    /// <summary>Waits until the operation finishes, reporting each change, and returns its result.</summary>
    /// <param name="progress">Receives every status change and new log lines; may be null.</param>
    /// <param name="cancellationToken">Stops the waiting, never the remote operation.</param>
    /// <returns>The result.</returns>
    /// <exception cref="LumenfallOperationFailedException">The operation failed or was canceled.</exception>
    /// <exception cref="LumenfallWaitCanceledException"><paramref name="cancellationToken"/> stopped the wait; it carries the operation's id and rehydration token.</exception>
    public abstract Task<ImageGenerationResult> WaitForCompletionAsync(IProgress<OperationUpdate>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Streams each change until the operation finishes; then <see cref="WaitForCompletionAsync(CancellationToken)"/> returns the result at once.</summary>
    /// <param name="cancellationToken">Stops the watching, never the remote operation.</param>
    /// <returns>The updates, ending with the terminal one.</returns>
    public virtual async IAsyncEnumerable<OperationUpdate> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        yield return new OperationUpdate(Status, QueuePosition, Logs, TimeSpan.Zero, null);
    }

    /// <summary>Asks the service to cancel the job. A job that already finished is reported, not thrown.</summary>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>What the cancel achieved.</returns>
    /// <exception cref="LumenfallException">The service refused or failed the call; the exception carries the operation id and token.</exception>
    public virtual Task<CancelOutcome> CancelAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(HasCompleted ? CancelOutcome.AlreadyCompleted : CancelOutcome.Unknown);
}
