namespace Lumenfall.Sdk;

/// <summary>
/// Value semantics for the list parameters of the generated records: a <c>with</c> copy gets lists of its own (adding
/// an image to the copy never changes the original), and two records with the same items are equal.
/// </summary>
internal static class RecordLists
{
    /// <summary>A new list with the same items, or null.</summary>
    public static List<T>? Copy<T>(IEnumerable<T>? items) => items is null ? null : [.. items];

    /// <summary>Whether both are null, or hold equal items in the same order.</summary>
    public static bool Equal<T>(IEnumerable<T>? left, IEnumerable<T>? right) =>
        ReferenceEquals(left, right) || (left is not null && right is not null && left.SequenceEqual(right));

    /// <summary>A hash of the items, consistent with <see cref="Equal{T}"/>.</summary>
    public static int Hash<T>(IEnumerable<T>? items)
    {
        var hash = new HashCode();
        foreach (T item in items ?? [])
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }
}
