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
        { "gpt-image-2", 3000, 500, "1504x496" },
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
        IImageGenerator generator = fixture.Client().AsImageGenerator(model);
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
        IImageGenerator generator = fixture.Client().AsImageGenerator("gpt-image-2");
        int mark = fixture.Emulator.Requests.Count;

        Func<Task> act = () => generator.GenerateImagesAsync("x", new ImageGenerationOptions { ImageSize = new Size(width, height) });

        (await act.Should().ThrowAsync<LumenfallValidationException>()).Which.Errors.Should().ContainSingle(e => e.Parameter == "ImageSize" && e.Rule == ValidationRule.SizeRange);
        fixture.Since(mark).Should().BeEmpty();
    }
}
