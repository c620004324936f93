namespace Lumenfall.Sdk;

/// <summary>The service refused the request as malformed (HTTP 400 or 422 without field errors).</summary>
public class LumenfallBadRequestException : LumenfallException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What the service said.</param>
    public LumenfallBadRequestException(string message)
        : base(message)
    {
    }

    /// <summary>Gets the parameter the service blamed (its <c>param</c>), when it named one.</summary>
    public string? ParameterName { get; internal init; }
}
