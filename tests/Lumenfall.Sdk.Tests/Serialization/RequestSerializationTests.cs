using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lumenfall.Sdk.Tests.Serialization;

/// <summary>How typed records become wire JSON: wire names, only what was set, extras merged, nothing dropped.</summary>
public class RequestSerializationTests
{
    [Fact]
    public void Only_set_parameters_are_written_under_their_wire_names()
    {
        var request = new OmniGenV2GenerationRequest("a capybara")
        {
            NegativePrompt = "blurry",
            Size = "1024x1024",
            ImageCount = 2,
            TextGuidanceScale = 5.5,
            Seed = 42,
        };

        JsonObject json = request.ToJsonObject();

        json.ToJsonString().Should().Be(
            """{"prompt":"a capybara","negative_prompt":"blurry","seed":42,"size":"1024x1024","n":2,"text_guidance_scale":5.5}""");
    }

    [Fact]
    public void Replicate_only_spellings_of_typed_parameters_are_still_sent_by_wire_name()
    {
        // The gateway also documents disable_safety_checker (FLUX.2) and image_2/image_3 (OmniGen v2) for its
        // Replicate route. They repeat EnableSafetyChecker and Images, so they have no property of their own.
        var flux = new Flux2DevGenerationRequest("x") { EnableSafetyChecker = true };
        var omni = new OmniGenV2GenerationRequest("x");
        flux.SetParameter("disable_safety_checker", true);
        omni.SetParameter("image_2", "https://example.com/b.png").SetParameter("image_3", "https://example.com/c.png");

        flux.Validate(ValidationLevel.Strict).Should().BeEmpty();
        omni.Validate(ValidationLevel.Strict).Should().BeEmpty();
        flux.ToJsonObject()["disable_safety_checker"]!.GetValue<bool>().Should().BeTrue();
        flux.ToJsonObject()["enable_safety_checker"]!.GetValue<bool>().Should().BeTrue();
        omni.ToJsonObject()["image_2"]!.GetValue<string>().Should().Be("https://example.com/b.png");
        omni.ToJsonObject()["image_3"]!.GetValue<string>().Should().Be("https://example.com/c.png");
    }

    [Fact]
    public void Values_equal_to_the_service_default_are_still_sent()
    {
        var request = new OmniGenV1Request("x") { EnableSafetyChecker = false, ImageCount = 1, SyncMode = false, GuidanceScale = 0 };

        JsonObject json = request.ToJsonObject();

        json["enable_safety_checker"]!.GetValue<bool>().Should().BeFalse();
        json["num_images"]!.GetValue<int>().Should().Be(1);
        json["sync_mode"]!.GetValue<bool>().Should().BeFalse();
        json["guidance_scale"]!.GetValue<double>().Should().Be(0);
    }

    [Fact]
    public void Seeds_above_2_pow_53_survive_exactly()
    {
        const long seed = 9_007_199_254_740_993;
        var request = new OmniGenV1Request("x") { Seed = seed };

        request.ToJsonObject().ToJsonString().Should().Contain("\"seed\":9007199254740993");
    }

    [Fact]
    public void Additional_properties_are_merged_as_is()
    {
        var request = new Flux2DevGenerationRequest("x")
        {
            AdditionalProperties =
            {
                ["guidance_scale"] = 3.5,
                ["loras"] = new JsonArray(new JsonObject { ["path"] = "https://example.com/lora.safetensors", ["scale"] = 0.8 }),
                ["nothing"] = null,
            },
        };

        JsonObject json = request.ToJsonObject();

        json.ToJsonString().Should().Be(
            """{"prompt":"x","guidance_scale":3.5,"loras":[{"path":"https://example.com/lora.safetensors","scale":0.8}],"nothing":null}""");
    }

    [Fact]
    public void Serializing_twice_gives_the_same_json_and_leaves_additional_properties_usable()
    {
        var request = new Flux2DevGenerationRequest("x") { AdditionalProperties = { ["extra"] = new JsonObject { ["a"] = 1 } } };

        string first = request.ToJsonObject().ToJsonString();
        string second = request.ToJsonObject().ToJsonString();

        second.Should().Be(first);
        request.AdditionalProperties["extra"]!["a"]!.GetValue<int>().Should().Be(1);
    }

    [Fact]
    public void Fal_image_size_sends_pixels_as_an_object_and_presets_as_a_string()
    {
        new OmniGenV1Request("x") { Size = new ImageSize(1280, 720) }.ToJsonObject().ToJsonString()
            .Should().Be("""{"prompt":"x","image_size":{"width":1280,"height":720}}""");
        new OmniGenV1Request("x") { Size = ImageSize.SquareHd }.ToJsonObject().ToJsonString()
            .Should().Be("""{"prompt":"x","image_size":"square_hd"}""");
    }

    [Fact]
    public void Lumenfall_size_is_always_a_string()
    {
        new GptImage2GenerationRequest("x") { Size = new ImageSize(1536, 1024) }.ToJsonObject()["size"]!.GetValue<string>()
            .Should().Be("1536x1024");
    }

    [Fact]
    public void Url_inputs_are_written_as_strings_in_json_bodies()
    {
        var request = new OmniImageRequest(OmniImageModel.NanoBanana2, "swap the outfits")
        {
            Resolution = "4K",
            AspectRatio = AspectRatio.Landscape16x9,
            Images = [ImageInput.FromUrl("https://example.com/image1.png"), ImageInput.FromUrl("https://example.com/image2.png")],
            InputRegion = OmniImageInputRegion.Mainland,
        };

        request.ToJsonObject().ToJsonString().Should().Be(
            """{"model":"Nano-Banana2","prompt":"swap the outfits","resolution":"4K","aspect_ratio":"16:9","images":["https://example.com/image1.png","https://example.com/image2.png"],"input_region":"Mainland"}""");
    }

    [Fact]
    public void File_inputs_never_enter_the_json_body()
    {
        var request = new GptImage2EditRequest("x", [ImageInput.FromBytes(new byte[] { 1, 2, 3 }, "image/png")])
        {
            Mask = ImageInput.FromBytes(new byte[] { 4 }, "image/png"),
            Size = "1024x1024",
        };

        request.ToJsonObject().ToJsonString().Should().Be("""{"prompt":"x","size":"1024x1024"}""");
    }

    [Fact]
    public void Extensible_values_from_a_server_never_throw()
    {
        var format = JsonSerializer.Deserialize("\"heic\"", TestJsonContext.Default.OutputFormat);
        var model = JsonSerializer.Deserialize("\"Brand-New:1\"", TestJsonContext.Default.OmniImageModel);

        format.Value.Should().Be("heic");
        format.MediaType.Should().BeNull();
        model.Value.Should().Be("Brand-New:1");
        OmniImageModel.KnownValues.Should().NotContain(model);
    }

    [Fact]
    public void Image_size_reads_both_spellings()
    {
        JsonSerializer.Deserialize("""{"width":640,"height":480}""", TestJsonContext.Default.ImageSize)
            .Should().Be(new ImageSize(640, 480));
        JsonSerializer.Deserialize("\"landscape_4_3\"", TestJsonContext.Default.ImageSize)
            .Should().Be(ImageSize.Landscape4x3);
    }
}
