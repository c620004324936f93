namespace Lumenfall.Sdk;

/// <summary>Where a long-running image operation stands.</summary>
public enum ImageOperationStatus
{
    /// <summary>Accepted, waiting for a worker.</summary>
    Queued,

    /// <summary>Running.</summary>
    InProgress,

    /// <summary>Finished with images.</summary>
    Succeeded,

    /// <summary>Finished without images.</summary>
    Failed,

    /// <summary>Canceled before it finished.</summary>
    Canceled,

    /// <summary>The service reported a status the SDK does not know; polling continues.</summary>
    Unknown,
}

/// <summary>
/// A generation that runs on the service while the caller waits, polls or leaves: an id, a status, and the
/// result when it is done. Services that answer synchronously return an operation that is already complete.
/// </summary>
public abstract class ImageOperation
{
    /// <summary>Creates an operation (for subclasses and mocks).</summary>
    protected ImageOperation()
    {
    }

    /// <summary>Gets the service's id for the operation (request id or task id).</summary>
    public abstract string Id { get; }

    /// <summary>Gets the model the operation runs.</summary>
    public abstract string ModelId { get; }

    /// <summary>Gets the service running the operation.</summary>
    public abstract ImageService Service { get; }

    /// <summary>Gets the last status seen.</summary>
    public abstract ImageOperationStatus Status { get; }

    /// <summary>Gets whether the operation has finished (succeeded, failed or canceled).</summary>
    public bool HasCompleted => Status is ImageOperationStatus.Succeeded or ImageOperationStatus.Failed or ImageOperationStatus.Canceled;

    /// <summary>Gets the result once the operation has succeeded; otherwise <see langword="null"/>.</summary>
    public abstract ImageGenerationResult? Value { get; }

    /// <summary>Asks the service once for the current status.</summary>
    /// <param name="cancellationToken">Stops the call (not the remote operation).</param>
    /// <returns>The status now.</returns>
    public abstract Task<ImageOperationStatus> UpdateStatusAsync(CancellationToken cancellationToken = default);

    /// <summary>Waits until the operation finishes and returns its result.</summary>
    /// <param name="cancellationToken">Stops the waiting, never the remote operation.</param>
    /// <returns>The result.</returns>
    /// <exception cref="LumenfallException">The operation failed or was canceled.</exception>
    public abstract Task<ImageGenerationResult> WaitForCompletionAsync(CancellationToken cancellationToken = default);
}
