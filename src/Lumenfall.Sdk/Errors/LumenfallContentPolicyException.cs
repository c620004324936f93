namespace Lumenfall.Sdk;

/// <summary>The prompt or an image was refused by a safety system. Retrying the same request will not help.</summary>
public class LumenfallContentPolicyException : LumenfallException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What the service said.</param>
    public LumenfallContentPolicyException(string message)
        : base(message)
    {
    }
}
