namespace Lumenfall.Sdk;

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
