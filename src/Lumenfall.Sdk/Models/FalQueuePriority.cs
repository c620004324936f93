using System.Text.Json.Serialization;

namespace Lumenfall.Sdk;

/// <summary>fal queue priority.</summary>
[JsonConverter(typeof(Serialization.StringValueJsonConverter<FalQueuePriority>))]
public readonly record struct FalQueuePriority : IStringValue<FalQueuePriority>
{
    private readonly string? _value;

    /// <summary>Creates a priority from its wire value.</summary>
    /// <param name="value">The wire value.</param>
    public FalQueuePriority(string value) => _value = value;

    /// <summary>The default priority.</summary>
    public static FalQueuePriority Normal { get; } = new("normal");

    /// <summary>Lower priority: the job yields to normal ones.</summary>
    public static FalQueuePriority Low { get; } = new("low");

    /// <inheritdoc />
    public string Value => _value ?? string.Empty;

    /// <inheritdoc />
    static FalQueuePriority IStringValue<FalQueuePriority>.Create(string value) => new(value);

    /// <summary>Converts a wire value to a priority.</summary>
    /// <param name="value">The wire value.</param>
    public static implicit operator FalQueuePriority(string value) => new(value);

    /// <inheritdoc />
    public override string ToString() => Value;
}
