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
