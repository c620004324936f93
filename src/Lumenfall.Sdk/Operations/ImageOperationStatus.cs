namespace Lumenfall.Sdk;

/// <summary>Where a long-running image operation stands.</summary>
public enum ImageOperationStatus
{
    /// <summary>The SDK has not asked yet (a resumed operation before its first update).</summary>
    Unknown,

    /// <summary>Accepted, waiting for a worker (see <see cref="ImageOperation.QueuePosition"/>).</summary>
    Queued,

    /// <summary>Running.</summary>
    InProgress,

    /// <summary>Finished with images.</summary>
    Succeeded,

    /// <summary>Finished without images.</summary>
    Failed,

    /// <summary>Canceled before it finished.</summary>
    Canceled,
}
