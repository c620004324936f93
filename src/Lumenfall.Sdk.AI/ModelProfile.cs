using System.Drawing;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Lumenfall.Sdk.AI;

/// <summary>
/// How an <c>IImageGenerator</c> option becomes a model's wire parameters: the name of its count parameter and how
/// many images one call may make, its output-format and response-format parameters, and how a requested pixel size
/// becomes a size the model accepts. The figures come from the models' pages and schemas (see the README's snapping
/// table); a model outside the catalog gets its service's conventions and its size passed through.
/// </summary>
internal sealed record ModelProfile(
    string CountParameter,
    int? MaxImagesPerCall,
    string? OutputFormatParameter,
    bool HasResponseFormat,
    SizeRule Size)
{
    /// <summary>The aspect ratios offered for a model that takes a ratio and a resolution tier instead of pixels.</summary>
    internal static readonly (int Width, int Height)[] AspectRatios =
        [(1, 1), (2, 3), (3, 2), (3, 4), (4, 3), (4, 5), (5, 4), (9, 16), (16, 9), (21, 9)];

    public static ModelProfile For(ImageRequest request) => request.ModelId switch
    {
        // protocols.md: both sides divisible by 16, aspect 1:3 to 3:1, at most 3840x2160; the schema allows n = 1 only.
        "gpt-image-2" => new("n", 1, "output_format", true, new PixelRule("size", Multiple: 16, MaxSide: null, MaxLongSide: 3840, MaxShortSide: 2160, MaxAspect: 3)),

        // The schema: sides up to 14142, n up to 10; the model's page: width and height are multiples of 32.
        "flux.2-dev" => new("n", 10, "output_format", true, new PixelRule("size", Multiple: 32, MaxSide: 14142, MaxLongSide: null, MaxShortSide: null, MaxAspect: null)),

        // The schema states no size limit; n up to 10.
        "omnigen-v2" => new("n", 10, "output_format", true, new PixelRule("size", Multiple: 1, MaxSide: null, MaxLongSide: null, MaxShortSide: null, MaxAspect: null)),

        // fal's ImageSize: width and height each 1 to 14142; num_images 1 to 4; output_format jpeg or png.
        "fal-ai/omnigen-v1" => new("num_images", 4, "output_format", false, new PixelRule("image_size", Multiple: 1, MaxSide: 14142, MaxLongSide: null, MaxShortSide: null, MaxAspect: null)),

        _ => request switch
        {
            // OmniRouters: aspect_ratio and a resolution tier; no output format parameter; n without a stated limit.
            OmniImageRequest => new("n", null, null, false, new RatioRule()),

            // Another fal app: fal's conventions (num_images, image_size as {width, height}).
            FalAppRequest => new("num_images", null, "output_format", false, new PixelRule("image_size", Multiple: 1, MaxSide: 14142, MaxLongSide: null, MaxShortSide: null, MaxAspect: null)),

            // Another gateway model: OpenAI's conventions, the size as asked.
            _ => new("n", null, "output_format", true, new PixelRule("size", Multiple: 1, MaxSide: null, MaxLongSide: null, MaxShortSide: null, MaxAspect: null)),
        },
    };
}

/// <summary>What a requested size became: the wire parameters to set and how the size sent reads.</summary>
/// <param name="Requested">The size asked for, <c>WxH</c>.</param>
/// <param name="Sent">The size sent, for example <c>1024x1008</c> or <c>16:9 2K</c>.</param>
/// <param name="Parameters">The wire parameters that carry it.</param>
internal sealed record SnappedSize(string Requested, string Sent, IReadOnlyList<KeyValuePair<string, JsonNode?>> Parameters);

/// <summary>Turns a requested pixel size into the nearest size a model accepts.</summary>
internal abstract record SizeRule
{
    public abstract SnappedSize Snap(Size requested, bool falObject);

    protected static string Text(Size size) => string.Create(CultureInfo.InvariantCulture, $"{size.Width}x{size.Height}");
}

/// <summary>
/// A model that takes pixels: the size is scaled down (keeping its aspect ratio) until it fits every limit, the aspect
/// ratio is clamped to <see cref="MaxAspect"/>, and each side is rounded to the nearest multiple that still fits.
/// </summary>
internal sealed record PixelRule(string Parameter, int Multiple, int? MaxSide, int? MaxLongSide, int? MaxShortSide, int? MaxAspect) : SizeRule
{
    public override SnappedSize Snap(Size requested, bool falObject)
    {
        double width = requested.Width, height = requested.Height;
        if (MaxAspect is int aspect)
        {
            // Too narrow or too wide: the long side shrinks to the widest ratio the model takes.
            if (width > height * aspect)
            {
                width = height * aspect;
            }
            else if (height > width * aspect)
            {
                height = width * aspect;
            }
        }

        double scale = 1;
        double longSide = Math.Max(width, height), shortSide = Math.Min(width, height);
        if (MaxSide is int maxSide)
        {
            scale = Math.Min(scale, maxSide / longSide);
        }

        if (MaxLongSide is int maxLong)
        {
            scale = Math.Min(scale, maxLong / longSide);
        }

        if (MaxShortSide is int maxShort)
        {
            scale = Math.Min(scale, maxShort / shortSide);
        }

        bool wide = width >= height;
        int w = Round(width * scale, Limit(wide)), h = Round(height * scale, Limit(!wide));
        if (MaxAspect is int max)
        {
            // Rounding each side may have pushed the ratio past the limit: shorten the long side to the widest multiple.
            if (w > (long)h * max)
            {
                w = Math.Max(Multiple, h * max / Multiple * Multiple);
            }
            else if (h > (long)w * max)
            {
                h = Math.Max(Multiple, w * max / Multiple * Multiple);
            }
        }

        string sent = string.Create(CultureInfo.InvariantCulture, $"{w}x{h}");
        JsonNode value = falObject ? new JsonObject { ["width"] = w, ["height"] = h } : JsonValue.Create(sent);
        return new SnappedSize(Text(requested), sent, [KeyValuePair.Create(Parameter, (JsonNode?)value)]);
    }

    /// <summary>The largest a side may be: the long or the short side's limit, and the per-side one.</summary>
    private int Limit(bool isLong) => Math.Min(MaxSide ?? int.MaxValue, (isLong ? MaxLongSide : MaxShortSide) ?? int.MaxValue);

    /// <summary>The nearest multiple of <see cref="Multiple"/>, at least one multiple, at most the largest multiple within <paramref name="limit"/>.</summary>
    private int Round(double side, int limit)
    {
        int multiples = Math.Max(1, (int)Math.Round(side / Multiple, MidpointRounding.AwayFromZero));
        return (int)Math.Min((long)multiples * Multiple, Math.Max(Multiple, limit / Multiple * Multiple));
    }
}

/// <summary>
/// A model that takes an aspect ratio and a resolution tier (OmniRouters): the nearest ratio of
/// <see cref="ModelProfile.AspectRatios"/> (by the logarithm of the ratio) and the tier that covers the long side:
/// <c>1K</c> up to 1024 pixels, <c>2K</c> up to 2048, <c>4K</c> beyond.
/// </summary>
internal sealed record RatioRule : SizeRule
{
    public override SnappedSize Snap(Size requested, bool falObject)
    {
        double wanted = Math.Log((double)requested.Width / requested.Height);
        (int w, int h) = ModelProfile.AspectRatios.MinBy(r => Math.Abs(Math.Log((double)r.Width / r.Height) - wanted));
        int longSide = Math.Max(requested.Width, requested.Height);
        string tier = longSide <= 1024 ? "1K" : longSide <= 2048 ? "2K" : "4K";
        string ratio = string.Create(CultureInfo.InvariantCulture, $"{w}:{h}");
        return new SnappedSize(Text(requested), $"{ratio} {tier}", [KeyValuePair.Create("aspect_ratio", (JsonNode?)ratio), KeyValuePair.Create("resolution", (JsonNode?)tier)]);
    }
}
