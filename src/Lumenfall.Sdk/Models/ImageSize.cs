using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lumenfall.Sdk;

/// <summary>
/// The size of an output image. One type covers every service's spelling:
/// <list type="bullet">
/// <item><description>pixels, <c>WxH</c> (<c>new ImageSize(1024, 768)</c> or <c>"1024x768"</c>);</description></item>
/// <item><description>an aspect ratio, <c>W:H</c> (<c>"16:9"</c>), which the Lumenfall gateway accepts in <c>size</c>;</description></item>
/// <item><description><see cref="Auto"/>, letting the model choose;</description></item>
/// <item><description>fal's named presets (<see cref="SquareHd"/>, <see cref="Landscape16x9"/>, …).</description></item>
/// </list>
/// Which spellings a model accepts, and its pixel limits, are checked by the request record's <c>Validate()</c>.
/// On the wire it is a string, except that fal's <c>image_size</c> sends pixels as <c>{"width":W,"height":H}</c>.
/// </summary>
[JsonConverter(typeof(ImageSizeJsonConverter))]
public readonly record struct ImageSize
{
    private readonly string? _value;

    /// <summary>Creates a size from its wire value: <c>WxH</c>, <c>W:H</c>, <c>auto</c> or a preset name.</summary>
    /// <param name="value">The wire value; checked by the request's <c>Validate()</c>, not here.</param>
    public ImageSize(string value) => _value = value;

    /// <summary>Creates a size in pixels.</summary>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    public ImageSize(int width, int height)
        : this(string.Create(CultureInfo.InvariantCulture, $"{width}x{height}"))
    {
    }

    /// <summary>Lets the model choose the dimensions (<c>auto</c>).</summary>
    public static ImageSize Auto { get; } = new("auto");

    /// <summary>fal preset <c>square_hd</c> (1024×1024).</summary>
    public static ImageSize SquareHd { get; } = new("square_hd");

    /// <summary>fal preset <c>square</c> (512×512).</summary>
    public static ImageSize Square { get; } = new("square");

    /// <summary>fal preset <c>portrait_4_3</c> (768×1024).</summary>
    public static ImageSize Portrait3x4 { get; } = new("portrait_4_3");

    /// <summary>fal preset <c>portrait_16_9</c> (576×1024).</summary>
    public static ImageSize Portrait9x16 { get; } = new("portrait_16_9");

    /// <summary>fal preset <c>landscape_4_3</c> (1024×768).</summary>
    public static ImageSize Landscape4x3 { get; } = new("landscape_4_3");

    /// <summary>fal preset <c>landscape_16_9</c> (1024×576).</summary>
    public static ImageSize Landscape16x9 { get; } = new("landscape_16_9");

    /// <summary>Gets the wire value.</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>Gets the width in pixels when the value is <c>WxH</c>; otherwise <see langword="null"/>.</summary>
    public int? Width => SizeText.TryParsePair(_value, 'x', out int width, out _) ? width : null;

    /// <summary>Gets the height in pixels when the value is <c>WxH</c>; otherwise <see langword="null"/>.</summary>
    public int? Height => SizeText.TryParsePair(_value, 'x', out _, out int height) ? height : null;

    /// <summary>Gets whether the value is pixels, <c>WxH</c>.</summary>
    public bool IsPixels => SizeText.TryParsePair(_value, 'x', out _, out _);

    /// <summary>Gets whether the value is an aspect ratio, <c>W:H</c>.</summary>
    public bool IsAspectRatio => AspectRatio.TryParse(_value, out _, out _);

    /// <summary>Gets whether the value is <c>auto</c>.</summary>
    public bool IsAuto => string.Equals(_value, "auto", StringComparison.Ordinal);

    /// <summary>Converts a wire value to an <see cref="ImageSize"/>.</summary>
    /// <param name="value">The wire value.</param>
    public static implicit operator ImageSize(string value) => new(value);

    /// <inheritdoc />
    public override string ToString() => Value;
}
