using System.Text.Json.Serialization;
using Lumenfall.Sdk.Serialization;

namespace Lumenfall.Sdk;

/// <summary>
/// The file format of a generated image (<c>output_format</c>). Extensible: a value the SDK does not know yet
/// is carried as is. Which formats a model accepts is part of its request record's validation.
/// </summary>
[JsonConverter(typeof(StringValueJsonConverter<OutputFormat>))]
public readonly record struct OutputFormat : IStringValue<OutputFormat>
{
    /// <summary>Creates an output format from its wire value.</summary>
    /// <param name="value">The wire value, for example <c>png</c>.</param>
    public OutputFormat(string value) => _value = value;

    /// <summary>PNG (<c>png</c>).</summary>
    public static OutputFormat Png { get; } = new("png");

    /// <summary>JPEG (<c>jpeg</c>).</summary>
    public static OutputFormat Jpeg { get; } = new("jpeg");

    /// <summary>WebP (<c>webp</c>).</summary>
    public static OutputFormat Webp { get; } = new("webp");

    /// <summary>GIF (<c>gif</c>).</summary>
    public static OutputFormat Gif { get; } = new("gif");

    /// <summary>AVIF (<c>avif</c>).</summary>
    public static OutputFormat Avif { get; } = new("avif");

    private readonly string? _value;

    /// <inheritdoc />
    public string Value => _value ?? string.Empty;

    /// <summary>Gets the media type of this format (for example <c>image/png</c>), or <see langword="null"/> when unknown.</summary>
    public string? MediaType => ImageMediaTypes.FromFormat(Value);

    /// <inheritdoc />
    static OutputFormat IStringValue<OutputFormat>.Create(string value) => new(value);

    /// <summary>Converts a wire value to an <see cref="OutputFormat"/>.</summary>
    /// <param name="value">The wire value.</param>
    public static implicit operator OutputFormat(string value) => new(value);

    /// <inheritdoc />
    public override string ToString() => Value;
}
