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
                "These options are read-only (IsReadOnly): they are an ImageClient's copy. Set options before the client is built; with AddLumenfall, change configuration (reloads are followed) or register Configure<LumenfallOptions>.");
        }
    }
}
