namespace Lumenfall.Sdk;

/// <summary>The API key is missing, wrong or not allowed to do this (HTTP 401 or 403).</summary>
public class LumenfallAuthenticationException : LumenfallException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What the service said.</param>
    public LumenfallAuthenticationException(string message)
        : base(message)
    {
    }
}
