namespace Lumenfall.Sdk;

/// <summary>The one guard every settings block uses once it belongs to a client.</summary>
internal static class FrozenOptions
{
    /// <summary>Refuses a change to settings a client has frozen.</summary>
    public static void ThrowIf(bool frozen)
    {
        if (frozen)
        {
            throw new InvalidOperationException(
                "These options belong to an ImageClient and no longer change; set up a LumenfallOptions before building a client (Options returns a read-only view).");
        }
    }
}
