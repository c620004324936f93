using System.Text.Json;

namespace Lumenfall.Sdk.Tests.Catalog;

public class ModelCatalogTests
{
    [Fact]
    public void Lists_the_five_models_with_their_services()
    {
        ModelCatalog.All.Select(m => (m.Id, m.Service)).Should().Equal(
            ("fal-ai/omnigen-v1", ImageService.Fal),
            ("flux.2-dev", ImageService.Lumenfall),
            ("gpt-image-2", ImageService.Lumenfall),
            ("omni-image", ImageService.OmniRouters),
            ("omnigen-v2", ImageService.Lumenfall));
    }

    [Theory]
    [InlineData("omnigen-v1", "fal-ai/omnigen-v1")]
    [InlineData("FAL-AI/OMNIGEN-V1", "fal-ai/omnigen-v1")]
    [InlineData("omnigen2", "omnigen-v2")]
    [InlineData("gpt-image-2", "gpt-image-2")]
    [InlineData("flux.2-dev", "flux.2-dev")]
    public void Resolves_ids_and_aliases_ignoring_case(string name, string id) =>
        ModelCatalog.Get(name).Id.Should().Be(id);

    [Fact]
    public void An_unknown_model_names_the_known_ones()
    {
        ModelCatalog.TryGet("dall-e-9", out _).Should().BeFalse();
        FluentActions.Invoking(() => ModelCatalog.Get("dall-e-9")).Should().Throw<ArgumentException>()
            .WithMessage("*dall-e-9*gpt-image-2*");
    }

    [Fact]
    public void Carries_each_models_limits_from_its_page()
    {
        ModelCatalog.OmniGenV2.Limits.MaxInputImages.Should().Be(3);
        ModelCatalog.GptImage2.Limits.Should().Be(new ModelLimits(MaxInputImages: 10, MaxOutputImages: 1, MaxWidth: 3840, MaxHeight: 2160));
        ModelCatalog.Flux2Dev.Limits.Should().Be(new ModelLimits(MinSide: 1, MaxSide: 14142));
    }

    [Fact]
    public void Knows_the_modes_and_the_record_for_each()
    {
        ModelCatalog.GptImage2.Modes.Should().Equal(ImageMode.TextToImage, ImageMode.Edit);
        ModelCatalog.GptImage2.RequestTypes.Should().Equal(typeof(GptImage2GenerationRequest), typeof(GptImage2EditRequest));
        ModelCatalog.OmniGenV1.Modes.Should().Equal(ImageMode.TextToImage, ImageMode.Edit);
        ModelCatalog.OmniGenV1.RequestTypes.Should().Equal(typeof(OmniGenV1Request));
        ModelCatalog.OmniImage.RequestTypes.Should().Equal(typeof(OmniImageRequest));
    }

    [Fact]
    public void Lists_providers_and_pricing_notes_from_the_seeds()
    {
        ModelCatalog.OmniGenV2.Providers.Select(p => p.Key).Should().Equal("replicate/omnigen-v2", "fal/omnigen-v2");
        ModelCatalog.OmniGenV2.Providers[1].Pricing.Should().Be("$0.150/megapixel");
        ModelCatalog.GptImage2.Providers.Should().ContainSingle().Which.Name.Should().Be("OpenAI");
        ModelCatalog.OmniGenV1.PricingNotes.Should().Contain(n => n.Contains("$0.1 per processed megapixel", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_record_reports_the_model_id_its_catalog_entry_has()
    {
        ImageRequest[] requests =
        [
            new OmniGenV1Request("x"), new OmniGenV2GenerationRequest("x"), new OmniGenV2EditRequest("x", []),
            new GptImage2GenerationRequest("x"), new GptImage2EditRequest("x", []), new Flux2DevGenerationRequest("x"),
            new Flux2DevEditRequest("x", []), new OmniImageRequest("m", "x"),
        ];

        foreach (ImageRequest request in requests)
        {
            ModelDescriptor model = ModelCatalog.Get(request.ModelId);
            model.Service.Should().Be(request.Service);
            model.RequestTypes.Should().Contain(request.GetType());
            model.Modes.Should().Contain(request.Mode);
        }
    }

    [Fact]
    public void Every_model_hands_out_its_embedded_schema()
    {
        foreach (ModelDescriptor model in ModelCatalog.All)
        {
            using Stream stream = model.OpenSchema();
            using JsonDocument schema = JsonDocument.Parse(stream);
            schema.RootElement.GetProperty("x-model").GetProperty("id").GetString().Should().Be(model.Id);
        }
    }
}
