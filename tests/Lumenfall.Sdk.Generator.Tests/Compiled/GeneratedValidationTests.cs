using System.Text.Json.Nodes;

namespace Lumenfall.Sdk.Generator.Tests.Compiled;

/// <summary>
/// What the generated <c>Validate()</c> of the fixture records (<c>Fixtures/everything.schema.json</c>,
/// <c>Fixtures/fal-everything.schema.json</c>) checks, run on the compiled code: each schema rule breaks with the
/// parameter and rule it names, and valid requests pass.
/// </summary>
[Collection(CompiledFixturesDefinition.Name)]
public class GeneratedValidationTests(CompiledFixtures compiled)
{
    private const string Generation = "EverythingGenerationRequest";
    private const string Edit = "EverythingEditRequest";

    [Fact]
    public void A_request_with_every_parameter_valid_passes()
    {
        ImageRequest request = compiled.Request(Generation, new
        {
            Prompt = "a red fox",
            ImageCount = 4,
            Seed = 9007199254740993L,
            Strength = 1.0,
            Guidance = -3.5,
            Safe = false,
            Tags = new List<string> { "a", "b", "c" },
            Quality = "high",
            Scheduler = "dpm-solver",
            Style = "watercolor",
            Size = "2048x1024",
            AspectRatio = "16:9",
            OutputFormat = "png",
            ResponseFormat = "b64_json",
            ReferenceImages = new[] { ImageInput.FromUrl("https://example.com/a.png") },
            Controlnet = compiled.Create("EverythingControlnet", new { Path = "https://example.com/depth.png", Scale = 2.0, Mode = "depth" }),
            Loras = new[] { compiled.Create("EverythingLora", new { Path = "style.safetensors", Scale = 0.0 }) },
            Extra = new JsonObject { ["anything"] = new JsonArray(1, "two") },
        });

        request.Invoking(r => r.Validate()).Should().NotThrow();
    }

    [Fact]
    public void An_edit_request_with_its_images_passes()
    {
        ImageRequest request = compiled.Request(Edit, new
        {
            Prompt = "make it night",
            Images = new[] { ImageInput.FromBytes(Png), ImageInput.FromBytes(Jpeg) },
            Mask = ImageInput.FromBytes(Png),
        });

        request.Invoking(r => r.Validate()).Should().NotThrow();
    }

    [Theory]
    [InlineData("Prompt", "", "prompt", ValidationRule.Required)]
    [InlineData("Prompt", null, "prompt", ValidationRule.Required)]
    [InlineData("ImageCount", 0, "n", ValidationRule.Minimum)]
    [InlineData("ImageCount", 5, "n", ValidationRule.Maximum)]
    [InlineData("Strength", 0.0, "strength", ValidationRule.Minimum)]
    [InlineData("Strength", 1.01, "strength", ValidationRule.Maximum)]
    [InlineData("Guidance", double.NaN, "guidance", ValidationRule.Finite)]
    [InlineData("Guidance", double.PositiveInfinity, "guidance", ValidationRule.Finite)]
    [InlineData("Tags", new string[0], "tags", ValidationRule.MinItems)]
    [InlineData("Tags", new[] { "a", "b", "c", "d" }, "tags", ValidationRule.MaxItems)]
    [InlineData("Tags", new[] { "a", null }, "tags[1]", ValidationRule.NullItem)]
    [InlineData("Quality", "ultra", "quality", ValidationRule.AllowedValues)]
    [InlineData("Scheduler", "dpm_solver", "scheduler", ValidationRule.AllowedValues)]
    [InlineData("Size", "big", "size", ValidationRule.SizeFormat)]
    [InlineData("Size", "1024x2049", "size", ValidationRule.SizeRange)]
    [InlineData("AspectRatio", "wide", "aspect_ratio", ValidationRule.AspectRatioFormat)]
    [InlineData("OutputFormat", "gif", "output_format", ValidationRule.AllowedValues)]
    [InlineData("ResponseFormat", "xml", "response_format", ValidationRule.AllowedValues)]
    public void Each_rule_of_a_parameter_is_checked(string property, object? value, string parameter, string rule)
    {
        ImageRequest request = compiled.Request(Generation, new { Prompt = "a red fox" });
        CompiledFixtures.Set(request, property, value);

        ShouldBreak(request, (parameter, rule));
    }

    [Fact]
    public void An_open_enum_accepts_values_it_does_not_list()
    {
        ImageRequest request = compiled.Request(Generation, new { Prompt = "a red fox", Style = "pixel-art" });

        request.Invoking(r => r.Validate()).Should().NotThrow();
    }

    [Fact]
    public void A_nested_object_is_checked_with_the_path_of_each_property()
    {
        object crop = compiled.Create("EverythingControlnetCrop", new { Left = -1 });
        ImageRequest request = compiled.Request(Generation, new
        {
            Prompt = "a red fox",
            Controlnet = compiled.Create("EverythingControlnet", new { Path = " ", Scale = 2.5, Mode = "sobel", Crop = crop }),
        });

        ShouldBreak(request,
            ("controlnet.path", ValidationRule.Required),
            ("controlnet.scale", ValidationRule.Maximum),
            ("controlnet.mode", ValidationRule.AllowedValues),
            ("controlnet.crop.left", ValidationRule.Minimum));
    }

    [Fact]
    public void A_list_of_objects_checks_its_size_and_each_item_with_its_index()
    {
        ImageRequest request = compiled.Request(Generation, new
        {
            Prompt = "a red fox",
            Loras = new[]
            {
                compiled.Create("EverythingLora", new { Path = "a.safetensors" }),
                compiled.Create("EverythingLora", new { Path = "b.safetensors", Scale = 4.5 }),
                compiled.Create("EverythingLora", new { Path = "" }),
            },
        });

        ShouldBreak(request,
            ("loras", ValidationRule.MaxItems),
            ("loras[1].scale", ValidationRule.Maximum),
            ("loras[2].path", ValidationRule.Required));
    }

    [Fact]
    public void A_free_form_object_must_hold_finite_numbers_only()
    {
        ImageRequest request = compiled.Request(Generation, new
        {
            Prompt = "a red fox",
            Extra = new JsonObject { ["weights"] = new JsonArray(1.0, double.NaN) },
        });

        ShouldBreak(request, ("extra.weights[1]", ValidationRule.Finite));
    }

    [Fact]
    public void Multipart_images_check_their_count_and_media_types()
    {
        ImageRequest none = compiled.Request(Edit, new { Prompt = "make it night" });
        ImageRequest three = compiled.Request(Edit, new { Prompt = "make it night", Images = new[] { Png, Png, Png }.Select(b => ImageInput.FromBytes(b)).ToArray() });
        ImageRequest gifMask = compiled.Request(Edit, new { Prompt = "make it night", Images = new[] { ImageInput.FromBytes(Png) }, Mask = ImageInput.FromBytes(Gif) });
        ImageRequest gifImage = compiled.Request(Edit, new { Prompt = "make it night", Images = new[] { ImageInput.FromFile("photo.gif") } });

        ShouldBreak(none, ("image", ValidationRule.MinItems));
        ShouldBreak(three, ("image", ValidationRule.MaxItems));
        ShouldBreak(gifMask, ("mask", ValidationRule.MediaType));
        ShouldBreak(gifImage, ("image[0]", ValidationRule.MediaType));
    }

    [Fact]
    public void Required_multipart_images_and_required_url_images_are_reported_when_unset()
    {
        ImageRequest edit = compiled.Request(Edit, new { Prompt = "make it night" });
        CompiledFixtures.Set(edit, "Images", null);
        ImageRequest fal = compiled.Request("FalEverythingRequest", new { Prompt = "a red fox" });

        ShouldBreak(edit, ("image", ValidationRule.Required));
        ShouldBreak(fal, ("image_url", ValidationRule.Required));
    }

    [Fact]
    public void Url_images_without_an_upload_refuse_local_images()
    {
        ImageRequest list = compiled.Request(Generation, new { Prompt = "a red fox", ReferenceImages = new[] { ImageInput.FromBytes(Png) } });
        ImageRequest single = compiled.Request("FalEverythingRequest", new
        {
            Prompt = "a red fox",
            ImageUrl = ImageInput.FromUrl("https://example.com/a.png"),
            StyleUrl = ImageInput.FromBytes(Png),
        });

        ShouldBreak(list, ("reference_images[0]", ValidationRule.UrlRequired));
        ShouldBreak(single, ("style_url", ValidationRule.UrlRequired));
    }

    [Fact]
    public void Url_images_with_an_upload_accept_local_images_and_check_their_media_type()
    {
        ImageRequest local = compiled.Request("FalEverythingRequest", new
        {
            Prompt = "a red fox",
            ImageUrl = ImageInput.FromBytes(Png),
            ExtraImages = new[] { ImageInput.FromFile("cat.jpg"), ImageInput.FromUrl("https://example.com/b.png") },
        });
        ImageRequest gif = compiled.Request("FalEverythingRequest", new { Prompt = "a red fox", ImageUrl = ImageInput.FromFile("cat.gif") });

        local.Invoking(r => r.Validate()).Should().NotThrow();
        ShouldBreak(gif, ("image_url", ValidationRule.MediaType));
    }

    [Theory]
    [InlineData("square_hd", null)]
    [InlineData("1024x768", null)]
    [InlineData("14143x10", ValidationRule.SizeRange)]
    [InlineData("16:9", ValidationRule.SizeFormat)]
    [InlineData("auto", ValidationRule.SizeFormat)]
    public void A_fal_image_size_takes_its_presets_or_pixels(string size, string? rule)
    {
        ImageRequest request = compiled.Request("FalEverythingRequest", new { Prompt = "a red fox", ImageUrl = ImageInput.FromUrl("https://example.com/a.png"), ImageSize = size });

        if (rule is null)
        {
            request.Invoking(r => r.Validate()).Should().NotThrow();
        }
        else
        {
            ShouldBreak(request, ("image_size", rule));
        }
    }

    [Fact]
    public void Modes_decide_which_record_has_a_parameter()
    {
        Type generation = compiled.Type(Generation);
        Type edit = compiled.Type(Edit);

        generation.GetProperty("Quality").Should().NotBeNull();
        generation.GetProperty("ReferenceImages").Should().NotBeNull();
        generation.GetProperty("Images").Should().BeNull();
        generation.GetProperty("Mask").Should().BeNull();
        edit.GetProperty("Images").Should().NotBeNull();
        edit.GetProperty("Mask").Should().NotBeNull();
        edit.GetProperty("Quality").Should().BeNull();
        compiled.Request(Generation).Mode.Should().Be(ImageMode.TextToImage);
        compiled.Request(Edit).Mode.Should().Be(ImageMode.Edit);
        compiled.Request("FalEverythingRequest").Service.Should().Be(ImageService.Fal);
    }

    [Fact]
    public void Required_parameters_are_constructor_arguments()
    {
        var edit = (ImageRequest)Activator.CreateInstance(compiled.Type(Edit), "make it night", new List<ImageInput> { ImageInput.FromBytes(Png) })!;
        object lora = Activator.CreateInstance(compiled.Type("EverythingLora"), "a.safetensors")!;

        CompiledFixtures.Get(edit, "Prompt").Should().Be("make it night");
        edit.Invoking(r => r.Validate()).Should().NotThrow();
        CompiledFixtures.Get(lora, "Path").Should().Be("a.safetensors");
    }

    [Fact]
    public void Shared_value_types_are_the_sdks_own_and_enums_are_named_after_model_and_property()
    {
        Type generation = compiled.Type(Generation);

        generation.GetProperty("Size")!.PropertyType.Should().Be<ImageSize?>();
        generation.GetProperty("AspectRatio")!.PropertyType.Should().Be<AspectRatio?>();
        generation.GetProperty("OutputFormat")!.PropertyType.Should().Be<OutputFormat?>();
        generation.GetProperty("ResponseFormat")!.PropertyType.Should().Be<ResponseFormat?>();
        generation.GetProperty("Quality")!.PropertyType.Should().Be(typeof(Nullable<>).MakeGenericType(compiled.Type("EverythingQuality")));
        generation.GetProperty("Scheduler")!.PropertyType.Should().Be(typeof(Nullable<>).MakeGenericType(compiled.Type("EverythingSampler")));
        generation.GetProperty("Seed")!.PropertyType.Should().Be<long?>();
        generation.GetProperty("StyleLora")!.PropertyType.Should().Be(compiled.Type("EverythingLora"), "one $ref'd object is one record");
        generation.GetProperty("Loras")!.PropertyType.Should().Be(typeof(IList<>).MakeGenericType(compiled.Type("EverythingLora")));
    }

    [Fact]
    public void Enums_list_their_values_and_keep_unknown_ones()
    {
        Type sampler = compiled.Type("EverythingSampler");

        var known = (System.Collections.IEnumerable)sampler.GetProperty("KnownValues")!.GetValue(null)!;
        known.Cast<object>().Select(v => v.ToString()).Should().Equal("euler", "dpm-solver");
        sampler.GetProperty("DpmSolver")!.GetValue(null)!.ToString().Should().Be("dpm-solver");
        Activator.CreateInstance(sampler, "ddim")!.ToString().Should().Be("ddim");
    }

    /// <summary>Asserts <c>Validate()</c> throws with exactly these broken rules, in order.</summary>
    private static void ShouldBreak(ImageRequest request, params (string Parameter, string Rule)[] expected)
    {
        LumenfallValidationException error = request.Invoking(r => r.Validate()).Should().Throw<LumenfallValidationException>().Which;
        error.Errors.Select(e => (e.ParameterName, e.Rule)).Should().Equal(expected, because: string.Join("; ", error.Errors));
        error.ParameterName.Should().Be(expected[0].Parameter);
        error.Rule.Should().Be(expected[0].Rule);
    }

    internal static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];

    internal static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 0x4A, 0x46, 0x49, 0x46, 0];

    internal static readonly byte[] Gif = "GIF89a\u0001\0\u0001\0"u8.ToArray();
}
