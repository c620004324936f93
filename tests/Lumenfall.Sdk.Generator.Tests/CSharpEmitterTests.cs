namespace Lumenfall.Sdk.Generator.Tests;

/// <summary>Each schema feature, fed through the reader and the emitter, produces the expected C#.</summary>
public class CSharpEmitterTests
{
    private const string Model = """
        "x-model": {
          "id": "test-model", "aliases": ["tm"], "displayName": "Test Model", "creator": "Us", "service": "lumenfall",
          "recordPrefix": "TestModel",
          "modes": [ { "name": "text-to-image", "record": "TestModelGenerationRequest" }, { "name": "edit", "record": "TestModelEditRequest" } ],
          "limits": { "maxInputImages": 2, "maxWidth": 3840, "maxHeight": 2160 },
          "providers": [ { "key": "fal/test", "name": "fal.ai", "modelId": "fal-ai/test", "pricing": "$1/image", "notes": ["fast"] } ],
          "pricingNotes": ["cheap"]
        }
        """;

    private static async Task<string> EmitAsync(string properties, string required = "[]", string model = Model)
    {
        string schema = $$"""
            {
              "$schema": "http://json-schema.org/draft-07/schema#",
              "title": "Test Model", "description": "A model for tests.", "type": "object",
              {{model}},
              "required": {{required}},
              "properties": { {{properties}} }
            }
            """;
        ModelSpec spec = await SchemaReader.ReadJsonAsync(schema, "test.schema.json");
        return CSharpEmitter.EmitModel(spec);
    }

    [Fact]
    public async Task A_required_string_becomes_a_required_property_a_constructor_argument_and_a_check()
    {
        string code = await EmitAsync("""
            "prompt": { "type": "string", "minLength": 1, "description": "What to draw." }
            """, """["prompt"]""");

        code.Should().Contain("""[JsonPropertyName("prompt")]""" + "\n    public required string Prompt { get; set; }");
        code.Should().Contain("[SetsRequiredMembers]\n    public TestModelGenerationRequest(string prompt)");
        code.Should().Contain("""validator.RequiredText("prompt", Prompt);""");
        code.Should().Contain("/// <summary>What to draw.</summary>");
    }

    [Fact]
    public async Task Snake_case_wire_names_become_pascal_case_unless_renamed()
    {
        string code = await EmitAsync("""
            "negative_prompt": { "type": "string" },
            "n": { "type": "integer", "x-csharp-name": "ImageCount" }
            """);

        code.Should().Contain("""[JsonPropertyName("negative_prompt")]""" + "\n    public string? NegativePrompt { get; set; }");
        code.Should().Contain("""[JsonPropertyName("n")]""" + "\n    public int? ImageCount { get; set; }");
    }

    [Fact]
    public async Task Number_kinds_map_to_int_long_double_and_bool()
    {
        string code = await EmitAsync("""
            "steps": { "type": "integer" },
            "seed": { "type": "integer", "format": "int64" },
            "scale": { "type": "number" },
            "safe": { "type": "boolean" }
            """);

        code.Should().Contain("public int? Steps").And.Contain("public long? Seed").And.Contain("public double? Scale").And.Contain("public bool? Safe");
    }

    [Fact]
    public async Task Ranges_become_checks_and_docs()
    {
        string code = await EmitAsync("""
            "n": { "type": "integer", "minimum": 1, "maximum": 10, "default": 1 },
            "width": { "type": "integer", "exclusiveMinimum": 0, "maximum": 14142 }
            """);

        code.Should().Contain("""validator.Range("n", N, 1, 10);""");
        code.Should().Contain("""validator.Range("width", Width, 0, 14142, exclusiveMinimum: true);""");
        code.Should().Contain("Default: <c>1</c>").And.Contain("Range: at least 1, at most 10.").And.Contain("Range: greater than 0, at most 14142.");
    }

    [Fact]
    public async Task A_closed_enum_becomes_an_extensible_struct_with_an_allowed_values_check()
    {
        string code = await EmitAsync("""
            "scheduler": { "type": "string", "enum": ["dpmsolver", "euler"], "x-enum-name": "TestScheduler" }
            """);

        code.Should().Contain("public readonly partial record struct TestScheduler : IStringValue<TestScheduler>");
        code.Should().Contain("""public static TestScheduler Dpmsolver { get; } = new("dpmsolver");""");
        code.Should().Contain("public static IReadOnlyList<TestScheduler> KnownValues { get; } = [Dpmsolver, Euler];");
        code.Should().Contain("public static implicit operator TestScheduler(string value) => new(value);");
        code.Should().Contain("""private static readonly string[] s_schedulerValues = ["dpmsolver", "euler"];""");
        code.Should().Contain("""validator.AllowedValues("scheduler", Scheduler?.Value, s_schedulerValues);""");
        code.Should().Contain("Allowed values: <c>dpmsolver</c>, <c>euler</c>.");
    }

    [Fact]
    public async Task An_open_enum_lists_known_values_and_accepts_others()
    {
        string code = await EmitAsync("""
            "model": { "type": "string", "enum": ["Nano-Banana2", "Kling:3.0-omni"], "x-enum-open": true, "x-enum-name": "TestRouterModel" }
            """, """["model"]""");

        code.Should().Contain("""public static TestRouterModel NanoBanana2 { get; } = new("Nano-Banana2");""");
        code.Should().Contain("""public static TestRouterModel Kling30Omni { get; } = new("Kling:3.0-omni");""");
        code.Should().Contain("Known values (others are accepted)");
        code.Should().NotContain("AllowedValues(\"model\"");
        code.Should().Contain("""validator.RequiredText("model", Model.Value);""");
    }

    [Fact]
    public async Task An_enum_without_a_name_is_named_after_the_model_and_property()
    {
        string code = await EmitAsync("""
            "quality": { "type": "string", "enum": ["low", "high"] }
            """);

        code.Should().Contain("public readonly partial record struct TestModelQuality");
    }

    [Fact]
    public async Task Shared_value_types_are_used_with_their_checks()
    {
        string code = await EmitAsync("""
            "size": { "type": "string", "x-value-type": "ImageSize" },
            "aspect_ratio": { "type": "string", "x-value-type": "AspectRatio" },
            "output_format": { "type": "string", "enum": ["png", "jpeg"], "x-value-type": "OutputFormat" }
            """);

        code.Should().Contain("public ImageSize? Size").And.Contain("public AspectRatio? AspectRatio").And.Contain("public OutputFormat? OutputFormat");
        code.Should().Contain("s_sizeRules = new(AllowAspectRatio: true, AllowAuto: true, Presets: [], MinSide: 1, MaxSide: null, MaxLongSide: 3840, MaxShortSide: 2160);");
        code.Should().Contain("""validator.Size("size", Size, s_sizeRules);""");
        code.Should().Contain("""validator.AspectRatio("aspect_ratio", AspectRatio);""");
        code.Should().Contain("""validator.AllowedValues("output_format", OutputFormat?.Value, s_outputFormatValues);""");
        code.Should().NotContain("record struct OutputFormat");
    }

    [Fact]
    public async Task Fal_image_size_union_resolves_its_ref_and_gets_the_object_converter()
    {
        string model = Model.Replace("\"service\": \"lumenfall\"", "\"service\": \"fal\"", StringComparison.Ordinal);
        const string Properties = """
            "image_size": {
              "anyOf": [ { "$ref": "#/definitions/ImageSize" }, { "type": "string", "enum": ["square_hd", "square"] } ],
              "default": "square_hd", "x-value-type": "ImageSize"
            }
            """;
        string schema = $$"""
            {
              "type": "object", {{model}},
              "properties": { {{Properties}} },
              "definitions": { "ImageSize": { "type": "object", "properties": {
                "width": { "type": "integer", "exclusiveMinimum": 0, "maximum": 14142 },
                "height": { "type": "integer", "exclusiveMinimum": 0, "maximum": 14142 } } } }
            }
            """;

        string code = CSharpEmitter.EmitModel(await SchemaReader.ReadJsonAsync(schema, "fal.schema.json"));

        code.Should().Contain(": FalImageRequest");
        code.Should().Contain("[JsonConverter(typeof(FalImageSizeJsonConverter))]\n    public ImageSize? ImageSize { get; set; }");
        code.Should().Contain("""s_imageSizeRules = new(AllowAspectRatio: false, AllowAuto: false, Presets: ["square_hd", "square"], MinSide: 1, MaxSide: 14142, MaxLongSide: null, MaxShortSide: null);""");
    }

    [Fact]
    public async Task Multipart_files_stay_out_of_json_and_check_count_and_media_type()
    {
        string code = await EmitAsync("""
            "image": { "type": "array", "items": { "type": "string", "format": "binary" }, "minItems": 1, "maxItems": 2,
                       "x-value-type": "ImageInput", "x-csharp-name": "Images", "x-modes": ["edit"], "x-media-types": ["image/png"] },
            "mask": { "type": "string", "format": "binary", "x-value-type": "ImageInput", "x-modes": ["edit"], "x-media-types": ["image/png"] }
            """, """["image"]""");

        code.Should().Contain("[JsonIgnore]\n    public IList<ImageInput> Images { get; set; } = [];");
        code.Should().Contain("[JsonIgnore]\n    public ImageInput? Mask { get; set; }");
        code.Should().Contain("""validator.Required("image", Images);""");
        code.Should().Contain("""validator.Items("image", Images, 1, 2, "image");""");
        code.Should().Contain("""validator.MediaTypes("image", Images, s_imagesMediaTypes);""");
        code.Should().Contain("""validator.MediaType("mask", Mask, s_maskMediaTypes);""");
        code.Should().NotContain("UrlOnly");
    }

    [Fact]
    public async Task Url_inputs_are_url_only_unless_the_schema_allows_an_upload()
    {
        string code = await EmitAsync("""
            "images": { "type": "array", "items": { "type": "string", "format": "uri" }, "x-value-type": "ImageInput" },
            "input_image_urls": { "type": "array", "items": { "type": "string", "format": "uri" }, "x-value-type": "ImageInput", "x-upload": "fal" }
            """);

        code.Should().Contain("""[JsonPropertyName("images")]""" + "\n    public IList<ImageInput>? Images { get; set; }");
        code.Should().Contain("""validator.UrlsOnly("images", Images);""");
        code.Should().NotContain("validator.UrlsOnly(\"input_image_urls\"");
        code.Should().Contain("uploaded to fal storage first");
    }

    [Fact]
    public async Task Modes_decide_which_record_gets_a_property()
    {
        string code = await EmitAsync("""
            "quality": { "type": "string", "x-modes": ["text-to-image"] },
            "mask": { "type": "string", "format": "binary", "x-value-type": "ImageInput", "x-modes": ["edit"] }
            """);

        string generation = code[code.IndexOf("record TestModelGenerationRequest", StringComparison.Ordinal)..code.IndexOf("record TestModelEditRequest", StringComparison.Ordinal)];
        string edit = code[code.IndexOf("record TestModelEditRequest", StringComparison.Ordinal)..];
        generation.Should().Contain("Quality").And.NotContain("Mask");
        edit.Should().Contain("Mask").And.NotContain("Quality");
        generation.Should().Contain("public override ImageMode Mode => ImageMode.TextToImage;");
        edit.Should().Contain("public override ImageMode Mode => ImageMode.Edit;");
    }

    [Fact]
    public async Task Provider_only_parameters_say_so_in_their_docs()
    {
        string code = await EmitAsync("""
            "sync_mode": { "type": "boolean", "x-providers": ["fal"], "x-modes": ["text-to-image", "edit"] }
            """);

        code.Should().Contain("Modes: text-to-image, edit. Only available via fal.");
    }

    [Fact]
    public async Task Descriptions_are_escaped_and_whitespace_collapsed()
    {
        string code = await EmitAsync("""
            "prompt": { "type": "string", "description": "\n   Use <img><|image_1|></img> & more.\n  " }
            """);

        code.Should().Contain("/// <summary>Use &lt;img&gt;&lt;|image_1|&gt;&lt;/img&gt; &amp; more.</summary>");
    }

    [Fact]
    public async Task Output_is_deterministic_with_lf_endings_and_the_auto_generated_header()
    {
        const string Properties = """ "prompt": { "type": "string" }, "n": { "type": "integer", "minimum": 1 } """;

        string first = await EmitAsync(Properties, """["prompt"]""");
        string second = await EmitAsync(Properties, """["prompt"]""");

        second.Should().Be(first);
        first.Should().StartWith("// <auto-generated/>\n").And.NotContain("\r").And.EndWith("}\n");
        first.Should().Contain("#nullable enable");
    }

    [Fact]
    public async Task An_unknown_value_type_is_an_error_naming_the_file_and_property()
    {
        Func<Task> read = () => EmitAsync(""" "size": { "type": "string", "x-value-type": "Resolution" } """);

        await read.Should().ThrowAsync<InvalidDataException>().WithMessage("test.schema.json: property 'size' names unknown x-value-type 'Resolution'*");
    }

    [Fact]
    public async Task The_catalog_lists_models_in_id_order_with_their_facts()
    {
        ModelSpec b = await SchemaReader.ReadJsonAsync($$"""{ "type": "object", {{Model}}, "properties": {} }""", "b.schema.json");
        ModelSpec a = b with { Id = "a-model", RecordPrefix = "AModel", SchemaFileName = "a.schema.json" };

        SortedDictionary<string, string> files = CSharpEmitter.EmitAll([b, a]);

        files.Keys.Should().Equal("AModel.g.cs", CSharpEmitter.CatalogFileName, CSharpEmitter.JsonContextFileName, "TestModel.g.cs");
        string catalog = files[CSharpEmitter.CatalogFileName];
        catalog.IndexOf("\"a-model\"", StringComparison.Ordinal).Should().BeLessThan(catalog.IndexOf("\"test-model\"", StringComparison.Ordinal));
        catalog.Should().Contain("aliases: [\"tm\"],");
        catalog.Should().Contain("service: ImageService.Lumenfall,");
        catalog.Should().Contain("modes: [ImageMode.TextToImage, ImageMode.Edit],");
        catalog.Should().Contain("limits: new ModelLimits(MaxInputImages: 2, MaxWidth: 3840, MaxHeight: 2160),");
        catalog.Should().Contain("""new ModelProvider("fal/test", "fal.ai", "fal-ai/test", "$1/image", ["fast"]),""");
        catalog.Should().Contain("requestTypes: [typeof(TestModelGenerationRequest), typeof(TestModelEditRequest)],");
        catalog.Should().Contain("public static ModelDescriptor TestModel => Models[1];");
        files[CSharpEmitter.JsonContextFileName].Should().Contain("[JsonSerializable(typeof(global::Lumenfall.Sdk.TestModelEditRequest))]");
    }
}
