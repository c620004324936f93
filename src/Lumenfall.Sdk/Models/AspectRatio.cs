using System.Globalization;
using System.Text.Json.Serialization;
using Lumenfall.Sdk.Serialization;

namespace Lumenfall.Sdk;

/// <summary>
/// The shape of an output image as <c>W:H</c> (<c>aspect_ratio</c>), for example <c>16:9</c>. Services map
/// any ratio to the nearest one the model supports.
/// </summary>
[JsonConverter(typeof(StringValueJsonConverter<AspectRatio>))]
public readonly record struct AspectRatio : IStringValue<AspectRatio>
{
    private readonly string? _value;

    /// <summary>Creates an aspect ratio from its wire value, for example <c>16:9</c>.</summary>
    /// <param name="value">The wire value; checked by the request's <c>Validate()</c>, not here.</param>
    public AspectRatio(string value) => _value = value;

    /// <summary>Creates an aspect ratio from its two terms.</summary>
    /// <param name="width">The horizontal term.</param>
    /// <param name="height">The vertical term.</param>
    public AspectRatio(int width, int height)
        : this(string.Create(CultureInfo.InvariantCulture, $"{width}:{height}"))
    {
    }

    /// <summary>1:1.</summary>
    public static AspectRatio Square { get; } = new("1:1");

    /// <summary>16:9 (landscape).</summary>
    public static AspectRatio Landscape16x9 { get; } = new("16:9");

    /// <summary>9:16 (portrait).</summary>
    public static AspectRatio Portrait9x16 { get; } = new("9:16");

    /// <summary>4:3 (landscape).</summary>
    public static AspectRatio Landscape4x3 { get; } = new("4:3");

    /// <summary>3:4 (portrait).</summary>
    public static AspectRatio Portrait3x4 { get; } = new("3:4");

    /// <summary>3:2 (landscape).</summary>
    public static AspectRatio Landscape3x2 { get; } = new("3:2");

    /// <summary>2:3 (portrait).</summary>
    public static AspectRatio Portrait2x3 { get; } = new("2:3");

    /// <inheritdoc />
    public string Value => _value ?? string.Empty;

    /// <summary>Gets whether the value has the form <c>W:H</c> with two positive integers.</summary>
    public bool IsWellFormed => TryParse(Value, out _, out _);

    /// <inheritdoc />
    static AspectRatio IStringValue<AspectRatio>.Create(string value) => new(value);

    /// <summary>Converts a wire value to an <see cref="AspectRatio"/>.</summary>
    /// <param name="value">The wire value.</param>
    public static implicit operator AspectRatio(string value) => new(value);

    /// <inheritdoc />
    public override string ToString() => Value;

    internal static bool TryParse(string? value, out int width, out int height) =>
        SizeText.TryParsePair(value, ':', out width, out height);
}

/// <summary>Parsing shared by <see cref="AspectRatio"/> and <see cref="ImageSize"/>.</summary>
internal static class SizeText
{
    /// <summary>Parses <c>A{separator}B</c> where A and B are positive decimal integers, nothing else.</summary>
    public static bool TryParsePair(string? value, char separator, out int first, out int second)
    {
        first = second = 0;
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        int index = value.IndexOf(separator, StringComparison.Ordinal);
        return index > 0
            && IsDigits(value.AsSpan(0, index))
            && IsDigits(value.AsSpan(index + 1))
            && int.TryParse(value.AsSpan(0, index), NumberStyles.None, CultureInfo.InvariantCulture, out first)
            && int.TryParse(value.AsSpan(index + 1), NumberStyles.None, CultureInfo.InvariantCulture, out second)
            && first > 0
            && second > 0;
    }

    private static bool IsDigits(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return false;
        }

        foreach (char c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }
}
