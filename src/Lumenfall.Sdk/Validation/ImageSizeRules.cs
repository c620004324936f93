namespace Lumenfall.Sdk;

/// <summary>How a model accepts an output size: which spellings, and the pixel limits.</summary>
/// <param name="AllowAspectRatio">Whether <c>W:H</c> is accepted.</param>
/// <param name="AllowAuto">Whether <c>auto</c> is accepted.</param>
/// <param name="Presets">Named presets accepted (fal), or empty.</param>
/// <param name="MinSide">The smallest width or height in pixels.</param>
/// <param name="MaxSide">The largest width or height in pixels, if limited.</param>
/// <param name="MaxLongSide">The largest long side in pixels, if limited (GPT Image 2: 3840).</param>
/// <param name="MaxShortSide">The largest short side in pixels, if limited (GPT Image 2: 2160).</param>
internal sealed record ImageSizeRules(
    bool AllowAspectRatio,
    bool AllowAuto,
    IReadOnlyList<string> Presets,
    int MinSide,
    int? MaxSide,
    int? MaxLongSide,
    int? MaxShortSide);
