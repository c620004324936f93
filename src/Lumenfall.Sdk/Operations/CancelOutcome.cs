namespace Lumenfall.Sdk;

/// <summary>What a remote cancel achieved. None of these is an error.</summary>
public enum CancelOutcome
{
    /// <summary>The service answered with something the SDK does not know (also the default value: it reads as no success).</summary>
    Unknown,

    /// <summary>The service accepted the cancel; a running job stops if its worker honours the signal.</summary>
    CancellationRequested,

    /// <summary>The job was still queued and has been removed.</summary>
    Canceled,

    /// <summary>Too late: the job had already finished.</summary>
    AlreadyCompleted,

    /// <summary>The service does not know the job.</summary>
    NotFound,

    /// <summary>The service has no way to cancel a job (OmniRouters); nothing was sent.</summary>
    NotSupported,
}
