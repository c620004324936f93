namespace Lumenfall.Sdk;

/// <summary>
/// The service or the providers behind it failed (HTTP 5xx, <c>ALL_PROVIDERS_EXHAUSTED</c>, <c>UPSTREAM_ERROR</c>).
/// The request may or may not have been processed; the SDK never replays a billable request after such an error.
/// </summary>
public class LumenfallUpstreamException : LumenfallException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What the service said.</param>
    public LumenfallUpstreamException(string message)
        : base(message)
    {
    }
}
