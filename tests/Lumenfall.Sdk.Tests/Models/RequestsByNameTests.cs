using System.Text.Json.Nodes;

namespace Lumenfall.Sdk.Tests.Models;

/// <summary><see cref="ModelCatalog.CreateRequest"/> and <see cref="ImageRequest.SetParameter"/>: requests built from names.</summary>
public class RequestsByNameTests
{
    private static readonly ImageInput Image = ImageInput.FromBytes(Lumenfall.Sdk.Testing.EmulatorImages.Png(4, 4, 1), "image/png");

    private static readonly ImageInput Url = ImageInput.FromUrl("https://example.com/a.png");

    [Theory]
    [InlineData("gpt-image-2", false, typeof(GptImage2GenerationRequest))]
    [InlineData("GPT-IMAGE-2", true, typeof(GptImage2EditRequest))]
    [InlineData("flux.2-dev", true, typeof(Flux2DevEditRequest))]
    [InlineData("omnigen-v2", false, typeof(OmniGenV2GenerationRequest))]
    [InlineData("omnigen-v1", true, typeof(OmniGenV1Request))]
    [InlineData("omnirouters/Seedream:4.5", true, typeof(OmniImageRequest))]
    [InlineData("fal-ai/flux/dev", false, typeof(FalAppRequest))]
    [InlineData("seedream-4", true, typeof(LumenfallModelRequest))]
    public void Each_kind_of_id_gets_its_request_type_with_the_prompt_and_images(string modelId, bool withImages, Type expected)
    {
        ImageInput image = modelId.StartsWith("omnirouters/", StringComparison.Ordinal) ? Url : Image;   // OmniRouters reads URLs only

        ImageRequest request = ModelCatalog.CreateRequest(modelId, "a fox", withImages ? [image, image] : null);

        request.Should().BeOfType(expected);
        request.Validate().Should().BeEmpty();
    }

    [Fact]
    public void Typed_records_get_the_prompt_and_the_images_in_their_own_properties()
    {
        var edit = (GptImage2EditRequest)ModelCatalog.CreateRequest("gpt-image-2", "night", [Image]);
        var fal = (OmniGenV1Request)ModelCatalog.CreateRequest("omnigen-v1", "day", [Image, Image]);
        var omni = (OmniImageRequest)ModelCatalog.CreateRequest("omnirouters/Seedream:4.5", "noon", [Url]);

        edit.Prompt.Should().Be("night");
        edit.Images.Should().Equal(Image);
        fal.Images.Should().Equal(Image, Image);
        omni.Model.Should().Be(OmniImageModel.Seedream45);
        omni.Images.Should().Equal(Url);
    }

    [Fact]
    public void A_fal_app_gets_image_url_for_one_image_and_image_urls_for_several()
    {
        var one = (FalAppRequest)ModelCatalog.CreateRequest("fal-ai/some-app", "x", [Image]);
        var two = (FalAppRequest)ModelCatalog.CreateRequest("fal-ai/some-app", "x", [Image, Image]);

        one.Input["prompt"]!.GetValue<string>().Should().Be("x");
        one.UrlImageParameters.Select(p => p.WireName).Should().Equal("image_url");
        two.UrlImageParameters.Select(p => p.WireName).Should().Equal("image_urls");
    }

    [Fact]
    public void Omni_image_without_its_model_is_refused_naming_the_form_to_use()
    {
        Action act = () => ModelCatalog.CreateRequest("omni-image", "x");

        LumenfallValidationException error = act.Should().Throw<LumenfallValidationException>().Which;
        (error.ParameterName, error.Rule).Should().Be(("model", ValidationRule.ModelId));
        error.Message.Should().Contain("omnirouters/");
        FluentActions.Invoking(() => ModelCatalog.CreateRequest(" ", "x")).Should().Throw<ArgumentException>().WithParameterName("modelId");
    }

    [Fact]
    public void Set_parameter_converts_to_the_typed_property_or_falls_back_to_additional_properties()
    {
        var request = new GptImage2GenerationRequest("x");

        request.SetParameter("n", 1).SetParameter("size", "1024x512").SetParameter("quality", "low").SetParameter("x_new", new JsonObject { ["a"] = 1 });

        request.ImageCount.Should().Be(1);
        request.Size.Should().Be(new ImageSize(1024, 512));
        request.Quality.Should().Be(GptImageQuality.Low);
        request.AdditionalProperties["x_new"]!["a"]!.GetValue<int>().Should().Be(1);
        request.AdditionalProperties.ContainsKey("n").Should().BeFalse();
        request.SetParameter("n", null);
        request.ImageCount.Should().BeNull();
    }

    [Fact]
    public void Set_parameter_refuses_a_value_of_the_wrong_type_naming_the_parameter_and_rule()
    {
        var request = new Flux2DevGenerationRequest("x");

        Action act = () => request.SetParameter("n", "several");

        act.Should().Throw<LumenfallValidationException>().Which.Errors.Should().ContainSingle(e => e.ParameterName == "n" && e.Rule == ValidationRule.ParameterType && e.Message == "takes a whole number; 'several' is not one");
        request.ImageCount.Should().BeNull();
    }

    [Theory]
    [InlineData("cfg_scale", "\"high\"", "takes a number; 'high' is not one")]
    [InlineData("enable_safety_checker", "\"yes\"", "takes a boolean (true or false); 'yes' is not one")]
    [InlineData("seed", "{\"a\":1}", "takes a whole number; {\"a\":1} is not one")]
    public void A_wrong_type_is_named_in_plain_words(string wireName, string json, string message)
    {
        Action act = () => new Flux2DevGenerationRequest("x").SetParameter(wireName, JsonNode.Parse(json));

        act.Should().Throw<LumenfallValidationException>().Which.Errors.Single().Message.Should().Be(message);
    }

    [Fact]
    public void Set_parameter_on_a_fal_app_writes_its_input()
    {
        var request = new FalAppRequest("fal-ai/some-app");

        request.SetParameter("num_images", 2);

        request.Input["num_images"]!.GetValue<int>().Should().Be(2);
        request.AdditionalProperties.Should().BeEmpty();
    }
}
