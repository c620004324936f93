using System.Text.Json.Nodes;

namespace Lumenfall.Sdk.Tests.Models;

/// <summary>
/// One valid and one invalid request per rule per model. Every invalid case must raise
/// <see cref="LumenfallValidationException"/> naming the wire parameter and the rule.
/// </summary>
public class RequestValidationTests
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0];
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10];

    private static ImageInput PngInput => ImageInput.FromBytes(Png);

    private static IList<ImageInput> PngInputs(int count) => Enumerable.Range(0, count).Select(_ => PngInput).ToList();

    public static TheoryData<string, Func<ImageRequest>, string?, string?> Cases => new()
    {
        // ---- OmniGen v2 (Lumenfall) ----
        { "omnigen-v2 minimal", () => new OmniGenV2GenerationRequest("a capybara"), null, null },
        { "omnigen-v2 prompt missing", () => new OmniGenV2GenerationRequest { Prompt = null! }, "prompt", ValidationRule.Required },
        { "omnigen-v2 prompt blank", () => new OmniGenV2GenerationRequest("   "), "prompt", ValidationRule.Required },
        { "omnigen-v2 n=10", () => new OmniGenV2GenerationRequest("x") { ImageCount = 10 }, null, null },
        { "omnigen-v2 n=0", () => new OmniGenV2GenerationRequest("x") { ImageCount = 0 }, "n", ValidationRule.Minimum },
        { "omnigen-v2 n=11", () => new OmniGenV2GenerationRequest("x") { ImageCount = 11 }, "n", ValidationRule.Maximum },
        { "omnigen-v2 scheduler euler", () => new OmniGenV2GenerationRequest("x") { Scheduler = OmniGenScheduler.Euler }, null, null },
        { "omnigen-v2 scheduler unknown", () => new OmniGenV2GenerationRequest("x") { Scheduler = "ddim" }, "scheduler", ValidationRule.AllowedValues },
        { "omnigen-v2 size WxH", () => new OmniGenV2GenerationRequest("x") { Size = "1024x1024" }, null, null },
        { "omnigen-v2 size W:H", () => new OmniGenV2GenerationRequest("x") { Size = "16:9" }, null, null },
        { "omnigen-v2 size auto", () => new OmniGenV2GenerationRequest("x") { Size = ImageSize.Auto }, null, null },
        { "omnigen-v2 size 1024*1024", () => new OmniGenV2GenerationRequest("x") { Size = "1024*1024" }, "size", ValidationRule.SizeFormat },
        { "omnigen-v2 aspect 16:9", () => new OmniGenV2GenerationRequest("x") { AspectRatio = AspectRatio.Landscape16x9 }, null, null },
        { "omnigen-v2 aspect 16x9", () => new OmniGenV2GenerationRequest("x") { AspectRatio = "16x9" }, "aspect_ratio", ValidationRule.AspectRatioFormat },
        { "omnigen-v2 output avif", () => new OmniGenV2GenerationRequest("x") { OutputFormat = OutputFormat.Avif }, null, null },
        { "omnigen-v2 output bmp", () => new OmniGenV2GenerationRequest("x") { OutputFormat = "bmp" }, "output_format", ValidationRule.AllowedValues },
        { "omnigen-v2 response b64", () => new OmniGenV2GenerationRequest("x") { ResponseFormat = ResponseFormat.Base64Json }, null, null },
        { "omnigen-v2 response html", () => new OmniGenV2GenerationRequest("x") { ResponseFormat = "html" }, "response_format", ValidationRule.AllowedValues },
        { "omnigen-v2 compression 100", () => new OmniGenV2GenerationRequest("x") { OutputCompression = 100 }, null, null },
        { "omnigen-v2 compression 101", () => new OmniGenV2GenerationRequest("x") { OutputCompression = 101 }, "output_compression", ValidationRule.Maximum },
        { "omnigen-v2 edit 3 images", () => new OmniGenV2EditRequest("x", PngInputs(3)), null, null },
        { "omnigen-v2 edit 4 images", () => new OmniGenV2EditRequest("x", PngInputs(4)), "image", ValidationRule.MaxItems },
        { "omnigen-v2 edit no image", () => new OmniGenV2EditRequest("x", []), "image", ValidationRule.MinItems },
        { "omnigen-v2 edit image null", () => new OmniGenV2EditRequest { Prompt = "x", Images = null! }, "image", ValidationRule.Required },
        { "omnigen-v2 edit bmp image", () => new OmniGenV2EditRequest("x", [ImageInput.FromFile("photo.bmp")]), "image[0]", ValidationRule.MediaType },
        { "omnigen-v2 additional property", () => new OmniGenV2GenerationRequest("x") { AdditionalProperties = { ["guidance"] = 2 } }, null, null },
        { "omnigen-v2 additional duplicates seed", () => new OmniGenV2GenerationRequest("x") { AdditionalProperties = { ["seed"] = 2 } }, "seed", ValidationRule.DuplicateParameter },
        { "omnigen-v2 additional sets model", () => new OmniGenV2GenerationRequest("x") { AdditionalProperties = { ["model"] = "other" } }, "model", ValidationRule.ReservedParameter },

        // ---- GPT Image 2 (Lumenfall) ----
        { "gpt-image-2 minimal", () => new GptImage2GenerationRequest("x"), null, null },
        { "gpt-image-2 prompt empty", () => new GptImage2GenerationRequest(string.Empty), "prompt", ValidationRule.Required },
        { "gpt-image-2 n=1", () => new GptImage2GenerationRequest("x") { ImageCount = 1 }, null, null },
        { "gpt-image-2 n=2", () => new GptImage2GenerationRequest("x") { ImageCount = 2 }, "n", ValidationRule.Maximum },
        { "gpt-image-2 quality high", () => new GptImage2GenerationRequest("x") { Quality = GptImageQuality.High }, null, null },
        { "gpt-image-2 quality hd", () => new GptImage2GenerationRequest("x") { Quality = "hd" }, "quality", ValidationRule.AllowedValues },
        { "gpt-image-2 background opaque", () => new GptImage2GenerationRequest("x") { Background = GptImageBackground.Opaque }, null, null },
        { "gpt-image-2 background transparent", () => new GptImage2GenerationRequest("x") { Background = "transparent" }, "background", ValidationRule.AllowedValues },
        { "gpt-image-2 moderation auto", () => new GptImage2GenerationRequest("x") { Moderation = "auto" }, "moderation", ValidationRule.AllowedValues },
        { "gpt-image-2 size 3840x2160", () => new GptImage2GenerationRequest("x") { Size = new ImageSize(3840, 2160) }, null, null },
        { "gpt-image-2 size 2160x3840", () => new GptImage2GenerationRequest("x") { Size = new ImageSize(2160, 3840) }, null, null },
        { "gpt-image-2 size 4096x1024", () => new GptImage2GenerationRequest("x") { Size = new ImageSize(4096, 1024) }, "size", ValidationRule.SizeRange },
        { "gpt-image-2 size 3000x3000", () => new GptImage2GenerationRequest("x") { Size = new ImageSize(3000, 3000) }, "size", ValidationRule.SizeRange },
        { "gpt-image-2 size 0x1024", () => new GptImage2GenerationRequest("x") { Size = "0x1024" }, "size", ValidationRule.SizeFormat },
        { "gpt-image-2 edit 10 images", () => new GptImage2EditRequest("x", PngInputs(10)), null, null },
        { "gpt-image-2 edit 11 images", () => new GptImage2EditRequest("x", PngInputs(11)), "image", ValidationRule.MaxItems },
        { "gpt-image-2 edit png mask", () => new GptImage2EditRequest("x", PngInputs(1)) { Mask = PngInput }, null, null },
        { "gpt-image-2 edit jpeg mask", () => new GptImage2EditRequest("x", PngInputs(1)) { Mask = ImageInput.FromBytes(Jpeg) }, "mask", ValidationRule.MediaType },
        { "gpt-image-2 edit gif image", () => new GptImage2EditRequest("x", [ImageInput.FromFile("a.gif")]), null, null },

        // ---- FLUX.2 [dev] (Lumenfall) ----
        { "flux minimal", () => new Flux2DevGenerationRequest("x"), null, null },
        { "flux size 14142x1", () => new Flux2DevGenerationRequest("x") { Size = new ImageSize(14142, 1) }, null, null },
        { "flux size 14143x512", () => new Flux2DevGenerationRequest("x") { Size = new ImageSize(14143, 512) }, "size", ValidationRule.SizeRange },
        { "flux size 1024x", () => new Flux2DevGenerationRequest("x") { Size = "1024x" }, "size", ValidationRule.SizeFormat },
        { "flux acceleration high", () => new Flux2DevGenerationRequest("x") { Acceleration = FluxAcceleration.High }, null, null },
        { "flux acceleration turbo", () => new Flux2DevGenerationRequest("x") { Acceleration = "turbo" }, "acceleration", ValidationRule.AllowedValues },
        { "flux output quality 100", () => new Flux2DevGenerationRequest("x") { OutputQuality = 100 }, null, null },
        { "flux output quality -1", () => new Flux2DevGenerationRequest("x") { OutputQuality = -1 }, "output_quality", ValidationRule.Minimum },
        { "flux edit webp", () => new Flux2DevEditRequest("x", [ImageInput.FromFile("in.webp")]), null, null },
        { "flux edit gif", () => new Flux2DevEditRequest("x", [ImageInput.FromFile("in.gif")]), "image[0]", ValidationRule.MediaType },
        { "flux edit declared type wins", () => new Flux2DevEditRequest("x", [ImageInput.FromFile("in.bin", "image/png")]), null, null },

        // ---- OmniGen v1 (fal) ----
        { "omnigen-v1 minimal", () => new OmniGenV1Request("x"), null, null },
        { "omnigen-v1 num_images 4", () => new OmniGenV1Request("x") { ImageCount = 4 }, null, null },
        { "omnigen-v1 num_images 5", () => new OmniGenV1Request("x") { ImageCount = 5 }, "num_images", ValidationRule.Maximum },
        { "omnigen-v1 steps 0", () => new OmniGenV1Request("x") { NumInferenceSteps = 0 }, "num_inference_steps", ValidationRule.Minimum },
        { "omnigen-v1 guidance 20", () => new OmniGenV1Request("x") { GuidanceScale = 20 }, null, null },
        { "omnigen-v1 guidance 20.5", () => new OmniGenV1Request("x") { GuidanceScale = 20.5 }, "guidance_scale", ValidationRule.Maximum },
        { "omnigen-v1 img guidance -0.1", () => new OmniGenV1Request("x") { ImageGuidanceScale = -0.1 }, "img_guidance_scale", ValidationRule.Minimum },
        { "omnigen-v1 output png", () => new OmniGenV1Request("x") { OutputFormat = OutputFormat.Png }, null, null },
        { "omnigen-v1 output webp", () => new OmniGenV1Request("x") { OutputFormat = OutputFormat.Webp }, "output_format", ValidationRule.AllowedValues },
        { "omnigen-v1 preset size", () => new OmniGenV1Request("x") { Size = ImageSize.Landscape16x9 }, null, null },
        { "omnigen-v1 pixel size", () => new OmniGenV1Request("x") { Size = new ImageSize(1280, 720) }, null, null },
        { "omnigen-v1 unknown preset", () => new OmniGenV1Request("x") { Size = "portrait_21_9" }, "image_size", ValidationRule.SizeFormat },
        { "omnigen-v1 ratio not accepted", () => new OmniGenV1Request("x") { Size = "16:9" }, "image_size", ValidationRule.SizeFormat },
        { "omnigen-v1 side over 14142", () => new OmniGenV1Request("x") { Size = new ImageSize(14143, 100) }, "image_size", ValidationRule.SizeRange },
        { "omnigen-v1 url input", () => new OmniGenV1Request("x") { Images = [ImageInput.FromUrl("https://example.com/a.png")] }, null, null },
        { "omnigen-v1 local input may be uploaded", () => new OmniGenV1Request("x") { Images = [PngInput] }, null, null },

        // ---- Omni-Image (OmniRouters) ----
        { "omni-image minimal", () => new OmniImageRequest(OmniImageModel.NanoBanana2, "x"), null, null },
        { "omni-image unknown model is open", () => new OmniImageRequest("Future-Model:9", "x"), null, null },
        { "omni-image model empty", () => new OmniImageRequest(default, "x"), "model", ValidationRule.Required },
        { "omni-image prompt missing", () => new OmniImageRequest { Model = OmniImageModel.NanoBanana2, Prompt = null! }, "prompt", ValidationRule.Required },
        { "omni-image region Mainland", () => new OmniImageRequest(OmniImageModel.NanoBanana2, "x") { InputRegion = OmniImageInputRegion.Mainland }, null, null },
        { "omni-image region Europe", () => new OmniImageRequest(OmniImageModel.NanoBanana2, "x") { InputRegion = "Europe" }, "input_region", ValidationRule.AllowedValues },
        { "omni-image n=0", () => new OmniImageRequest(OmniImageModel.Kling30Omni, "x") { ImageCount = 0 }, "n", ValidationRule.Minimum },
        { "omni-image url images", () => new OmniImageRequest(OmniImageModel.NanoBanana2, "x") { Images = [new Uri("https://example.com/1.png")] }, null, null },
        { "omni-image local image refused", () => new OmniImageRequest(OmniImageModel.NanoBanana2, "x") { Images = [PngInput] }, "images[0]", ValidationRule.UrlRequired },
        { "omni-image aspect 21:9", () => new OmniImageRequest(OmniImageModel.NanoBanana2, "x") { AspectRatio = "21:9" }, null, null },
        { "omni-image aspect wide", () => new OmniImageRequest(OmniImageModel.NanoBanana2, "x") { AspectRatio = "wide" }, "aspect_ratio", ValidationRule.AspectRatioFormat },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Validate_enforces_each_schema_rule(string name, Func<ImageRequest> create, string? parameter, string? rule)
    {
        ImageRequest request = create();

        Action validate = () => request.Validate();

        if (parameter is null)
        {
            validate.Should().NotThrow(name);
            return;
        }

        LumenfallValidationException error = validate.Should().Throw<LumenfallValidationException>(name).Which;
        error.ParameterName.Should().Be(parameter, name);
        error.Rule.Should().Be(rule, name);
        error.Message.Should().Contain(parameter).And.Contain(rule!).And.Contain(request.ModelId);
    }

    [Theory]
    [InlineData("mask")]
    [InlineData("image")]
    [InlineData("image[]")]
    public void A_multipart_file_field_the_edit_model_does_not_take_is_refused_not_sent_as_text(string name)
    {
        var edit = new OmniGenV2EditRequest("x", PngInputs(1));
        edit.AdditionalProperties[name] = "data:image/png;base64,AAAA";

        LumenfallValidationException error = FluentActions.Invoking(() => edit.Validate()).Should().Throw<LumenfallValidationException>().Which;
        error.Errors.Should().ContainSingle().Which.Rule.Should().Be(name == "mask" ? ValidationRule.FileField : ValidationRule.ReservedParameter);
        error.Errors[0].ParameterName.Should().Be(name);
        if (name == "mask")
        {
            FluentActions.Invoking(() => edit.Validate(ValidationLevel.Lenient)).Should().Throw<LumenfallValidationException>();
            edit.Validate(ValidationLevel.None).Should().ContainSingle(w => w.Rule == ValidationRule.FileField);
            var generation = new OmniGenV2GenerationRequest("x");
            generation.AdditionalProperties["mask"] = "a JSON field of a generation is the model's business";
            generation.Validate().Should().BeEmpty();
        }
    }

    [Fact]
    public void Every_broken_rule_is_reported_not_only_the_first()
    {
        var request = new GptImage2GenerationRequest(string.Empty) { ImageCount = 3, Quality = "ultra", Size = "big" };

        LumenfallValidationException error = FluentActions.Invoking(() => request.Validate()).Should().Throw<LumenfallValidationException>().Which;

        error.Errors.Select(e => (e.ParameterName, e.Rule)).Should().Equal(
            ("prompt", ValidationRule.Required),
            ("quality", ValidationRule.AllowedValues),
            ("size", ValidationRule.SizeFormat),
            ("n", ValidationRule.Maximum));
    }

    [Fact]
    public void Messages_state_the_allowed_range_and_the_value_given()
    {
        var request = new OmniGenV1Request("x") { ImageCount = 9 };

        FluentActions.Invoking(() => request.Validate()).Should().Throw<LumenfallValidationException>()
            .WithMessage("*num_images: must be between 1 and 4 (was 9)*");
    }

    [Fact]
    public void A_null_value_inside_additional_properties_is_sent_as_is_and_is_valid()
    {
        var request = new Flux2DevGenerationRequest("x") { AdditionalProperties = { ["lora"] = (JsonNode?)null } };

        FluentActions.Invoking(() => request.Validate()).Should().NotThrow();
    }
}
