using System.Drawing;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Lumenfall.Sdk.AI.Tests;

/// <summary>
/// The snapping table: for each model, a requested <see cref="ImageGenerationOptions.ImageSize"/> and the size the
/// service received (read from the emulator's request log), which the response reports under
/// <see cref="LumenfallImageGenerator.SizeSentKey"/>.
/// </summary>
public class SnappingTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    public static TheoryData<string, int, int, string> Table => new()
    {
        // GPT Image 2: both sides multiples of 16, aspect 1:3 to 3:1, long side ≤ 3840, short side ≤ 2160.
        { "gpt-image-2", 1024, 1024, "1024x1024" },
        { "gpt-image-2", 1000, 1000, "1008x1008" },
        { "gpt-image-2", 1920, 1080, "1920x1088" },
        { "gpt-image-2", 4096, 4096, "2160x2160" },
        { "gpt-image-2", 7680, 4320, "3840x2160" },
        { "gpt-image-2", 3000, 500, "1488x496" },   // 3:1 at most, after rounding too
        { "gpt-image-2", 57, 19, "48x16" },
        { "gpt-image-2", 10, 10, "16x16" },

        // FLUX.2 [dev]: multiples of 32, each side ≤ 14142.
        { "flux.2-dev", 1024, 768, "1024x768" },
        { "flux.2-dev", 1000, 1000, "992x992" },
        { "flux.2-dev", 1920, 1080, "1920x1088" },
        { "flux.2-dev", 20000, 10000, "14112x7072" },

        // OmniGen v2: no stated limit; sent as asked.
        { "omnigen-v2", 1000, 777, "1000x777" },

        // OmniGen v1 on fal: image_size {width, height}, each side 1 to 14142.
        { "omnigen-v1", 1000, 777, "1000x777" },
        { "fal-ai/omnigen-v1", 20000, 100, "14142x71" },

        // Omni-Image on OmniRouters: the nearest aspect ratio and the resolution tier covering the long side.
        { "omnirouters/Seedream:4.5", 1024, 1024, "1:1 1K" },
        { "omnirouters/Seedream:4.5", 1920, 1080, "16:9 2K" },
        { "omnirouters/Seedream:4.5", 1000, 1500, "2:3 2K" },
        { "omnirouters/Seedream:4.5", 3840, 1600, "21:9 4K" },
        { "omnirouters/GPT-image-2", 500, 400, "5:4 1K" },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public async Task Each_model_receives_the_nearest_size_it_accepts_and_the_response_says_which(string model, int width, int height, string sent)
    {
        IImageGenerator generator = fixture.Client().AsIImageGenerator(model);
        int mark = fixture.Emulator.Requests.Count;

        ImageGenerationResponse response = await generator.GenerateImagesAsync("a lighthouse", new ImageGenerationOptions { ImageSize = new Size(width, height) });

        JsonObject body = EmulatorFixture.Body(fixture.BillableSince(mark).Single());
        string received = body["size"]?.GetValue<string>()
            ?? (body["image_size"] is JsonObject fal ? $"{fal["width"]}x{fal["height"]}" : null)
            ?? $"{body["aspect_ratio"]} {body["resolution"]}";
        received.Should().Be(sent);
        response.Contents.Should().NotBeEmpty().And.OnlyContain(c => (string)c.AdditionalProperties![LumenfallImageGenerator.SizeSentKey]! == sent
            && (string)c.AdditionalProperties[LumenfallImageGenerator.SizeRequestedKey]! == $"{width}x{height}");
    }

    [Theory]
    [InlineData(0, 100)]
    [InlineData(100, -1)]
    public async Task A_size_that_is_not_positive_is_refused_before_anything_is_sent(int width, int height)
    {
        IImageGenerator generator = fixture.Client().AsIImageGenerator("gpt-image-2");
        int mark = fixture.Emulator.Requests.Count;

        Func<Task> act = () => generator.GenerateImagesAsync("x", new ImageGenerationOptions { ImageSize = new Size(width, height) });

        (await act.Should().ThrowAsync<LumenfallValidationException>()).Which.Errors.Should().ContainSingle(e => e.ParameterName == "ImageSize" && e.Rule == ValidationRule.SizeRange);
        fixture.Since(mark).Should().BeEmpty();
    }

    public static TheoryData<string> PixelModels => ["gpt-image-2", "flux.2-dev", "omnigen-v2", "omnigen-v1"];

    /// <summary>Every rule of a model holds for every size sent, over a grid of requests from tiny to huge, square to 1:100.</summary>
    [Theory]
    [MemberData(nameof(PixelModels))]
    public void Every_snapped_size_keeps_every_rule_of_the_model(string model)
    {
        ImageRequest request = ModelCatalog.CreateRequest(model, "x");
        var rule = (PixelRule)ModelProfile.For(request).Size;
        int[] sides = [1, 7, 15, 16, 17, 19, 57, 100, 333, 500, 777, 1000, 1023, 1080, 1500, 2160, 2161, 3000, 3840, 3841, 5000, 9999, 14142, 14143, 20000, 100_000];
        foreach (int width in sides)
        {
            foreach (int height in sides)
            {
                string sent = rule.Snap(new Size(width, height), falObject: false).Sent;
                string[] parts = sent.Split('x');
                int w = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), h = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
                string because = $"{width}x{height} → {sent}";
                (w % rule.Multiple).Should().Be(0, because);
                (h % rule.Multiple).Should().Be(0, because);
                Math.Min(w, h).Should().BeGreaterThanOrEqualTo(1, because);
                if (rule.MaxSide is int maxSide)
                {
                    Math.Max(w, h).Should().BeLessThanOrEqualTo(maxSide, because);
                }

                if (rule.MaxLongSide is int maxLong)
                {
                    Math.Max(w, h).Should().BeLessThanOrEqualTo(maxLong, because);
                }

                if (rule.MaxShortSide is int maxShort)
                {
                    Math.Min(w, h).Should().BeLessThanOrEqualTo(maxShort, because);
                }

                if (rule.MaxAspect is int aspect)
                {
                    Math.Max(w, h).Should().BeLessThanOrEqualTo(aspect * Math.Min(w, h), because);
                }

                // Within limits and on the grid already: sent as asked.
                if (width % rule.Multiple == 0 && height % rule.Multiple == 0 && Math.Max(width, height) <= Math.Min(rule.MaxSide ?? int.MaxValue, rule.MaxLongSide ?? int.MaxValue)
                    && Math.Min(width, height) <= (rule.MaxShortSide ?? int.MaxValue) && (rule.MaxAspect is not int a || Math.Max(width, height) <= a * Math.Min(width, height)))
                {
                    sent.Should().Be($"{width}x{height}", because);
                }
            }
        }
    }
}
