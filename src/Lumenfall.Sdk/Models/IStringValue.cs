namespace Lumenfall.Sdk;

/// <summary>
/// Implemented by the SDK's extensible string value types (for example <see cref="OutputFormat"/>):
/// a provider value that has well-known members but never throws on a value the SDK does not know yet.
/// </summary>
/// <typeparam name="TSelf">The implementing value type.</typeparam>
internal interface IStringValue<TSelf>
    where TSelf : struct, IStringValue<TSelf>
{
    /// <summary>Gets the value exactly as it travels on the wire.</summary>
    string Value { get; }

    /// <summary>Creates a value from its wire form.</summary>
    /// <param name="value">The wire value.</param>
    /// <returns>The value type wrapping <paramref name="value"/>.</returns>
    static abstract TSelf Create(string value);
}
