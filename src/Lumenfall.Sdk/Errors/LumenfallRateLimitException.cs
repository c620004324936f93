namespace Lumenfall.Sdk;

/// <summary>Too many requests (HTTP 429). <see cref="LumenfallException.RetryAfter"/> says how long to wait, when the service said.</summary>
public class LumenfallRateLimitException : LumenfallException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What the service said.</param>
    public LumenfallRateLimitException(string message)
        : base(message)
    {
    }
}
