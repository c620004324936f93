namespace Lumenfall.Sdk;

/// <summary>The account has too little balance for the request (HTTP 402, <c>INSUFFICIENT_BALANCE</c>).</summary>
public class LumenfallInsufficientBalanceException : LumenfallException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What the service said.</param>
    public LumenfallInsufficientBalanceException(string message)
        : base(message)
    {
    }
}
