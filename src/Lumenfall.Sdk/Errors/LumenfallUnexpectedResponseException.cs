namespace Lumenfall.Sdk;

/// <summary>
/// The service answered, but with something the SDK cannot use: JSON that does not parse or is cut short, a field
/// of the wrong type, a null where an item belongs, or a URL that is not absolute <c>http</c>/<c>https</c>.
/// <see cref="Field"/> names the field when one is to blame. For a long-running job,
/// <see cref="LumenfallException.RehydrationToken"/> resumes it.
/// </summary>
public class LumenfallUnexpectedResponseException : LumenfallException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was wrong with the response.</param>
    public LumenfallUnexpectedResponseException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the failure behind it.</summary>
    /// <param name="message">What was wrong with the response.</param>
    /// <param name="innerException">The parser's error.</param>
    public LumenfallUnexpectedResponseException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the response field that was wrong (for example <c>status_url</c> or <c>data[0]</c>), when one is to blame.</summary>
    public string? Field { get; internal init; }
}
