using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using static Lumenfall.Sdk.Generator.Tests.Compiled.GeneratedValidationTests;

namespace Lumenfall.Sdk.Generator.Tests.Compiled;

/// <summary>
/// What the compiled fixture records put on the wire: the JSON body (wire names, set values only, nested objects
/// as objects), the multipart file parts, and the URL images a transport uploads before sending.
/// </summary>
[Collection(CompiledFixturesDefinition.Name)]
public class GeneratedWireTests(CompiledFixtures compiled)
{
    [Fact]
    public void A_request_serializes_to_its_wire_names_with_unset_values_left_out()
    {
        ImageRequest request = compiled.Request("EverythingGenerationRequest", new
        {
            Prompt = "a red fox",
            ImageCount = 2,
            Seed = 9007199254740993L,
            Strength = 0.5,
            Safe = false,
            Tags = new List<string> { "a" },
            Quality = "high",
            Scheduler = "dpm-solver",
            Style = "pixel-art",
            Size = "1024x768",
            AspectRatio = "16:9",
            OutputFormat = "png",
            ResponseFormat = "b64_json",
            ReferenceImages = new[] { ImageInput.FromUrl("https://example.com/a.png") },
            Controlnet = compiled.Create("EverythingControlnet", new
            {
                Path = "https://example.com/depth.png",
                Mode = "depth",
                Crop = compiled.Create("EverythingControlnetCrop", new { Left = 0, Top = 8 }),
            }),
            Loras = new[] { compiled.Create("EverythingLora", new { Path = "a.safetensors", Scale = 0.75 }), compiled.Create("EverythingLora", new { Path = "b.safetensors" }) },
            Extra = new JsonObject { ["nested"] = new JsonObject { ["on"] = true }, ["list"] = new JsonArray(1, "two", null) },
        });

        request.ToJsonObject().ToJsonString().Should().Be(
            """
            {"prompt":"a red fox","n":2,"seed":9007199254740993,"strength":0.5,"safe":false,"tags":["a"],"quality":"high",
            "scheduler":"dpm-solver","style":"pixel-art","size":"1024x768","aspect_ratio":"16:9","output_format":"png",
            "response_format":"b64_json","reference_images":["https://example.com/a.png"],
            "controlnet":{"path":"https://example.com/depth.png","mode":"depth","crop":{"left":0,"top":8}},
            "loras":[{"path":"a.safetensors","scale":0.75},{"path":"b.safetensors"}],
            "extra":{"nested":{"on":true},"list":[1,"two",null]}}
            """.ReplaceLineEndings(string.Empty));
    }

    [Fact]
    public void A_with_copy_gets_its_own_nested_objects_lists_and_json_and_equals_the_original_until_one_changes()
    {
        ImageRequest Build() => compiled.Request("EverythingGenerationRequest", new
        {
            Prompt = "a red fox",
            Controlnet = compiled.Create("EverythingControlnet", new { Path = "https://example.com/depth.png", Mode = "depth" }),
            Loras = new[] { compiled.Create("EverythingLora", new { Path = "a.safetensors", Scale = 0.75 }) },
            Extra = new JsonObject { ["nested"] = new JsonObject { ["on"] = true } },
        });
        ImageRequest original = Build();

        var copy = (ImageRequest)original.GetType().GetMethod("<Clone>$")!.Invoke(original, null)!;   // what `with { }` calls
        copy.Should().Be(original).And.Be(Build(), "nested records, lists and JSON compare by value");
        copy.GetHashCode().Should().Be(Build().GetHashCode());

        CompiledFixtures.Set(CompiledFixtures.Get(copy, "Controlnet")!, "Mode", "canny");
        CompiledFixtures.Set(((System.Collections.IList)CompiledFixtures.Get(copy, "Loras")!)[0]!, "Scale", 0.5);
        ((JsonObject)CompiledFixtures.Get(copy, "Extra")!)["added"] = 1;

        original.Should().Be(Build(), "changing the copy's nested objects never changes the original");
        copy.Should().NotBe(original);
    }

    [Fact]
    public void Additional_properties_are_added_to_the_body()
    {
        ImageRequest request = compiled.Request("EverythingGenerationRequest", new { Prompt = "a red fox" });
        request.AdditionalProperties["new_flag"] = true;

        request.ToJsonObject().ToJsonString().Should().Be("""{"prompt":"a red fox","new_flag":true}""");
    }

    [Fact]
    public void Multipart_images_are_file_parameters_and_stay_out_of_the_json()
    {
        ImageInput first = ImageInput.FromBytes(Png), second = ImageInput.FromBytes(Jpeg), mask = ImageInput.FromBytes(Png);
        ImageRequest request = compiled.Request("EverythingEditRequest", new { Prompt = "make it night", Images = new[] { first, second }, Mask = mask });

        request.FileParameters.Select(p => (p.WireName, p.IsList, string.Join(",", p.MediaTypes))).Should().Equal(
            ("image", true, "image/png,image/jpeg"),
            ("mask", false, "image/png"));
        request.FileParameters[0].Inputs.Should().Equal(first, second);
        request.FileParameters[1].Inputs.Should().Equal(mask);
        request.UrlImageParameters.Should().BeEmpty();
        request.ToJsonObject().ToJsonString().Should().Be("""{"prompt":"make it night"}""");
    }

    [Fact]
    public void An_unset_single_file_is_a_file_parameter_without_inputs()
    {
        ImageRequest request = compiled.Request("EverythingEditRequest", new { Prompt = "make it night", Images = new[] { ImageInput.FromBytes(Png) } });

        request.FileParameters[1].Should().Match<FileParameter>(p => p.WireName == "mask" && p.Inputs == null && !p.IsList);
    }

    [Fact]
    public void A_fal_image_size_is_sent_as_a_preset_name_or_a_width_and_height_object()
    {
        ImageRequest preset = compiled.Request("FalEverythingRequest", new { Prompt = "p", ImageUrl = ImageInput.FromUrl("https://example.com/a.png"), ImageSize = "square_hd" });
        ImageRequest pixels = compiled.Request("FalEverythingRequest", new { Prompt = "p", ImageUrl = ImageInput.FromUrl("https://example.com/a.png"), ImageSize = "1024x768" });

        preset.ToJsonObject()["image_size"]!.ToJsonString().Should().Be("\"square_hd\"");
        pixels.ToJsonObject()["image_size"]!.ToJsonString().Should().Be("""{"width":1024,"height":768}""");
    }

    [Fact]
    public void Single_and_list_url_images_are_listed_for_upload_in_schema_order()
    {
        ImageInput local = ImageInput.FromBytes(Png), extra = ImageInput.FromBytes(Jpeg), url = ImageInput.FromUrl("https://example.com/b.png");
        ImageRequest request = compiled.Request("FalEverythingRequest", new { Prompt = "p", ImageUrl = local, ExtraImages = new[] { extra, url } });

        request.UrlImageParameters.Select(p => (p.WireName, p.IsList)).Should().Equal(("image_url", false), ("image_urls", true), ("style_url", false));
        request.UrlImageParameters[0].Inputs.Should().Equal(local);
        request.UrlImageParameters[1].Inputs.Should().Equal(extra, url);
        request.UrlImageParameters[2].Inputs.Should().BeNull();
        request.FileParameters.Should().BeEmpty();
    }

    [Fact]
    public void Uploaded_images_replace_local_ones_in_a_copy_of_the_request()
    {
        ImageInput local = ImageInput.FromBytes(Png), extra = ImageInput.FromBytes(Jpeg), url = ImageInput.FromUrl("https://example.com/b.png");
        ImageRequest request = compiled.Request("FalEverythingRequest", new { Prompt = "p", ImageUrl = local, ExtraImages = new[] { extra, url } });
        var uploads = new Dictionary<ImageInput, ImageInput>(ReferenceEqualityComparer.Instance)
        {
            [local] = ImageInput.FromUrl("https://cdn.example.com/local.png"),
            [extra] = ImageInput.FromUrl("https://cdn.example.com/extra.jpg"),
        };

        ImageRequest uploaded = request.WithReplacedImages(uploads);

        uploaded.ToJsonObject().ToJsonString().Should().Be(
            """{"prompt":"p","image_url":"https://cdn.example.com/local.png","image_urls":["https://cdn.example.com/extra.jpg","https://example.com/b.png"]}""");
        CompiledFixtures.Get(request, "ImageUrl").Should().BeSameAs(local, "the caller's request is not changed");
        request.Invoking(r => r.ToJsonObject()).Should().Throw<InvalidOperationException>("a local image cannot be written as JSON before its upload");
    }

    [Fact]
    public async Task A_local_image_for_a_single_image_url_is_uploaded_by_the_fal_transport()
    {
        var uploader = new RecordingUploader();
        var fal = new FalHandler();
        var options = new LumenfallOptions();
        options.Fal.ApiKey = "fal-test-id:not-a-real-secret";
        options.Fal.Mode = FalExecutionMode.Sync;
        options.Fal.Uploader = uploader;
        var client = new ImageClient(options, fal);
        ImageRequest request = compiled.Request("FalEverythingRequest", new
        {
            Prompt = "the fox from the photo",
            ImageUrl = ImageInput.FromBytes(Png, fileName: "fox.png"),
            ExtraImages = new[] { ImageInput.FromBytes(Jpeg, fileName: "hat.jpg") },
        });

        await client.GenerateAsync(request);

        uploader.Uploads.Should().Equal(("image/png", "fox.png"), ("image/jpeg", "hat.jpg"));
        fal.Body.Should().Be("""{"prompt":"the fox from the photo","image_url":"https://cdn.example.com/fox.png","image_urls":["https://cdn.example.com/hat.jpg"]}""");
    }

    private sealed class RecordingUploader : IFalFileUploader
    {
        public List<(string ContentType, string FileName)> Uploads { get; } = [];

        public Task<Uri> UploadAsync(Stream content, string contentType, string fileName, CancellationToken cancellationToken)
        {
            Uploads.Add((contentType, fileName));
            return Task.FromResult(new Uri("https://cdn.example.com/" + fileName));
        }
    }

    /// <summary>fal's sync endpoint: records the JSON body and answers with one image.</summary>
    private sealed class FalHandler : HttpMessageHandler
    {
        public string? Body { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.RequestUri!.ToString().Should().Be("https://fal.run/fal-ai/test-everything");
            Body = await request.Content!.ReadAsStringAsync(cancellationToken);
            return new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent("""{ "images": [ { "url": "https://v3.fal.media/files/out.png", "content_type": "image/png" } ], "seed": 1 }""", Encoding.UTF8, "application/json"),
            };
        }
    }
}
