using Lumenfall.Sdk.Tests.TestSupport;

namespace Lumenfall.Sdk.Tests.Contracts;

/// <summary>
/// Every request variant the contract tests send, per record: the examples of the model's seed page (shapes and values
/// from the page, prompts our own), then the boundaries of <see cref="BoundaryRequests"/>.
/// </summary>
internal static class RequestVariants
{
    private const string Capybara = "a capybara reading in a sunlit bookstore";
    private const string StarrySky = "add a starry night sky";

    public static IReadOnlyDictionary<string, Func<ImageRequest>> OmniGenV2Generation { get; } = BoundaryRequests.For(
        ("text to image", () => new OmniGenV2GenerationRequest(Capybara) { Size = "1024x1024" }));

    public static IReadOnlyDictionary<string, Func<ImageRequest>> OmniGenV2Edit { get; } = BoundaryRequests.For(
        ("image edit", () => new OmniGenV2EditRequest(StarrySky, [Source()]) { Size = "1024x1024" }));

    public static IReadOnlyDictionary<string, Func<ImageRequest>> GptImage2Generation { get; } = BoundaryRequests.For(
        ("text to image", () => new GptImage2GenerationRequest(Capybara) { Size = "1024x1024" }));

    public static IReadOnlyDictionary<string, Func<ImageRequest>> GptImage2Edit { get; } = BoundaryRequests.For(
        ("image edit", () => new GptImage2EditRequest(StarrySky, [Source()]) { Size = "1024x1024" }));

    public static IReadOnlyDictionary<string, Func<ImageRequest>> Flux2DevGeneration { get; } = BoundaryRequests.For(
        ("text to image", () => new Flux2DevGenerationRequest(Capybara) { Size = "1024x1024" }));

    public static IReadOnlyDictionary<string, Func<ImageRequest>> Flux2DevEdit { get; } = BoundaryRequests.For(
        ("image edit", () => new Flux2DevEditRequest(StarrySky, [Source()]) { Size = "1024x1024" }));

    public static IReadOnlyDictionary<string, Func<ImageRequest>> OmniGenV1 { get; } = BoundaryRequests.For(
        ("required parameters", () => new OmniGenV1Request("Neon words over a future city")),
        ("full example", () => new OmniGenV1Request("Neon words over a future city")
        {
            Size = ImageSize.SquareHd,
            NumInferenceSteps = 50,
            GuidanceScale = 3,
            ImageGuidanceScale = 1.6,
            ImageCount = 1,
            EnableSafetyChecker = true,
            OutputFormat = OutputFormat.Jpeg,
        }));

    public static IReadOnlyDictionary<string, Func<ImageRequest>> OmniImage { get; } = BoundaryRequests.For(
        ("text to image", () => new OmniImageRequest(OmniImageModel.NanoBanana2, "a girl smiling back on a beach") { Resolution = "4K", AspectRatio = AspectRatio.Landscape16x9 }),
        ("image to image", () => new OmniImageRequest(OmniImageModel.NanoBanana2, "dress the person of image 1 in the outfit of image 2") { Resolution = "4K", Images = TwoUrls(), AspectRatio = "16:9" }),
        ("gpt image", () => new OmniImageRequest(OmniImageModel.GptImage2, "dress the person of image 1 in the outfit of image 2") { Quality = "low", Resolution = "4K", Images = TwoUrls(), AspectRatio = "16:9" }),
        ("reference url region", () => new OmniImageRequest(OmniImageModel.NanoBanana2, "dress the person of image 1 in the outfit of image 2") { Resolution = "4K", Images = TwoUrls(), AspectRatio = "16:9", InputRegion = OmniImageInputRegion.Mainland }),
        ("kling several images", () => new OmniImageRequest(OmniImageModel.Kling30Omni, "a kitten by the window") { Resolution = "4K", AspectRatio = "16:9", ImageCount = 3 }),
        ("seedream several images", () => new OmniImageRequest(OmniImageModel.Seedream45, "a kitten by the window") { Resolution = "4K", ImageCount = 3 }),
        ("gpt image several images", () => new OmniImageRequest(OmniImageModel.GptImage2, "dress the person of image 1 in the outfit of image 2") { Quality = "low", Resolution = "4K", Images = TwoUrls(), AspectRatio = "16:9", ImageCount = 3 }),
        ("hunyuan panorama", () => new OmniImageRequest(OmniImageModel.Hunyuan3d20, "a 360 degree panorama of a snowy mountain lake")));

    /// <summary>The names of a record's variants, as theory data.</summary>
    public static TheoryData<string> Names(IReadOnlyDictionary<string, Func<ImageRequest>> variants)
    {
        var names = new TheoryData<string>();
        foreach (string name in variants.Keys)
        {
            names.Add(name);
        }

        return names;
    }

    private static ImageInput Source() => ImageInput.FromBytes(TestImages.Png, "image/png", "source.png");

    private static List<ImageInput> TwoUrls() => [ImageInput.FromUrl("https://example.com/image1.png"), ImageInput.FromUrl("https://example.com/image2.png")];
}
