using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lumenfall.Sdk.Tests.TestSupport;
using static Lumenfall.Sdk.Tests.TestSupport.ServiceHarness;

namespace Lumenfall.Sdk.Tests.Models;

/// <summary>When a service is ahead of the SDK: relaxed validation, any gateway model, any fal app.</summary>
public class ServiceAheadTests
{
    private const string Generations = LumenfallBase + "/images/generations";
    private const string Edits = LumenfallBase + "/images/edits";
    private const string Images = """{"created":1,"data":[{"url":"https://cdn.example.com/a.png"}]}""";

    [Fact]
    public async Task Strict_refuses_an_unlisted_value_and_names_the_level_that_would_send_it()
    {
        var harness = new ServiceHarness();

        LumenfallValidationException error = (await FluentActions.Awaiting(() => harness.Client.GenerateAsync(new GptImage2GenerationRequest("x") { Quality = "auto" }))
            .Should().ThrowAsync<LumenfallValidationException>()).Which;

        (error.ParameterName, error.Rule).Should().Be(("quality", ValidationRule.AllowedValues));
        error.Message.Should().Contain("ValidationLevel.Lenient would send it as given");
        harness.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Lenient_sends_unlisted_values_out_of_range_numbers_and_unlisted_sizes_as_given()
    {
        var harness = new ServiceHarness(o => o.Validation = ValidationLevel.Lenient);
        harness.Respond(HttpMethod.Post, Generations, Images);
        var request = new GptImage2GenerationRequest("x") { Quality = "auto", ImageCount = 4, Size = "8192x8192", OutputCompression = 101 };

        await harness.Client.GenerateAsync(request);

        harness.Requests.Single().Json.ToJsonString().Should().Be(
            """{"model":"gpt-image-2","prompt":"x","quality":"auto","size":"8192x8192","output_compression":101,"n":4}""");
        request.Validate(ValidationLevel.Lenient).Select(w => w.ParameterName).Should().BeEquivalentTo("quality", "size", "output_compression", "n");
    }

    [Fact]
    public async Task Lenient_lets_additional_properties_replace_a_typed_parameter()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Generations, Images);
        var request = new GptImage2GenerationRequest("x") { Quality = "high", Validation = ValidationLevel.Lenient };
        request.AdditionalProperties["quality"] = new JsonObject { ["level"] = 3 };

        await harness.Client.GenerateAsync(request);

        harness.Requests.Single().Json["quality"]!.ToJsonString().Should().Be("""{"level":3}""");
    }

    [Fact]
    public async Task Lenient_still_refuses_structural_faults()
    {
        var harness = new ServiceHarness(o => o.Validation = ValidationLevel.Lenient);

        LumenfallValidationException error = (await FluentActions.Awaiting(() => harness.Client.GenerateAsync(
                new OmniImageRequest(OmniImageModel.NanoBanana2, "") { Images = [ImageInput.FromBytes(TestImages.Png)], ImageCount = 0 }))
            .Should().ThrowAsync<LumenfallValidationException>()).Which;

        error.Errors.Select(e => e.Rule).Should().BeEquivalentTo(ValidationRule.Required, ValidationRule.UrlRequired);
        error.Message.Should().Contain("only ValidationLevel.None would send it");
        harness.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task None_refuses_only_what_cannot_be_sent()
    {
        var harness = new ServiceHarness(o => o.Validation = ValidationLevel.None);
        harness.Respond(HttpMethod.Post, Generations, Images);

        await harness.Client.GenerateAsync(new Flux2DevGenerationRequest(" ") { ImageCount = 0, Size = "huge" });
        LumenfallValidationException error = (await FluentActions.Awaiting(() => harness.Client.GenerateAsync(new Flux2DevGenerationRequest("x") { CfgScale = double.NaN }))
            .Should().ThrowAsync<LumenfallValidationException>()).Which;

        harness.Requests.Single().Json.ToJsonString().Should().Be("""{"model":"flux.2-dev","prompt":" ","size":"huge","n":0}""");
        error.Rule.Should().Be(ValidationRule.Finite);
    }

    [Fact]
    public async Task None_still_refuses_what_is_unsafe_or_unsendable()
    {
        var harness = new ServiceHarness(o => o.Validation = ValidationLevel.None);

        (await FluentActions.Awaiting(() => harness.Client.StartAsync(new FalAppRequest("fal-ai/../storage")))
            .Should().ThrowAsync<LumenfallValidationException>()).Which.Rule.Should().Be(ValidationRule.ModelId);
        (await FluentActions.Awaiting(() => harness.Client.StartAsync(new OmniGenV1Request("x") { Submit = new FalSubmitOptions { WebhookUrl = new Uri("/hook", UriKind.Relative) } }))
            .Should().ThrowAsync<LumenfallValidationException>()).Which.Rule.Should().Be(ValidationRule.UrlRequired);
        (await FluentActions.Awaiting(() => harness.Client.StartAsync(new GptImage2EditRequest("x", [ImageInput.FromBytes(TestImages.Png, "not a type")])))
            .Should().ThrowAsync<LumenfallValidationException>()).Which.Rule.Should().Be(ValidationRule.HeaderValue);
        harness.Requests.Should().BeEmpty();
    }

    [Fact]
    public void A_level_that_is_not_defined_is_refused_rather_than_relaxing_everything() =>
        FluentActions.Invoking(() => new GptImage2GenerationRequest("x").Validate((ValidationLevel)7)).Should().Throw<ArgumentOutOfRangeException>();

    [Fact]
    public async Task Any_gateway_model_generates_with_its_parameters_as_given()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Generations, Images, HttpStatusCode.OK, ("X-Lumenfall-Request-Id", "req-1"));

        ImageGenerationResult result = await harness.Client.GenerateAsync(
            new LumenfallModelRequest("seedream-4", "a fox", new JsonObject { ["size"] = "2048x2048", ["n"] = 2, ["watermark"] = false }));

        harness.Requests.Single().Json.ToJsonString().Should().Be("""{"model":"seedream-4","prompt":"a fox","size":"2048x2048","n":2,"watermark":false}""");
        (result.ModelId, result.RequestId, result.Images.Count).Should().Be(("seedream-4", "req-1", 1));
    }

    [Fact]
    public async Task Any_gateway_model_with_images_is_a_multipart_edit()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Edits, Images);

        await harness.Client.GenerateAsync(new LumenfallModelRequest("qwen-image-edit", "make it blue", new JsonObject { ["n"] = 1 })
        {
            Images = [ImageInput.FromBytes(TestImages.Png), ImageInput.FromBytes(TestImages.Jpeg)],
        });

        CapturedRequest sent = harness.Requests.Single();
        sent.Parts.Select(p => p.Name).Should().Equal("model", "prompt", "n", "image[]", "image[]");
        (sent.Field("model"), sent.Field("n")).Should().Be(("qwen-image-edit", "1"));
    }

    [Fact]
    public async Task A_gateway_model_id_that_could_change_a_path_or_body_is_refused()
    {
        var harness = new ServiceHarness();

        LumenfallValidationException error = (await FluentActions.Awaiting(() => harness.Client.GenerateAsync(new LumenfallModelRequest("a b", "x")))
            .Should().ThrowAsync<LumenfallValidationException>()).Which;

        (error.ParameterName, error.Rule).Should().Be(("model", ValidationRule.ModelId));
    }

    [Fact]
    public async Task Any_fal_app_runs_through_the_queue_and_keeps_its_raw_output()
    {
        var harness = new ServiceHarness();
        const string Queue = "https://queue.fal.run/fal-ai/flux/dev";
        const string Requests = "https://queue.fal.run/fal-ai/flux/requests/r1";
        harness.Respond(HttpMethod.Post, Queue, """{ "request_id": "r1", "status": "IN_QUEUE" }""");
        harness.Respond(HttpMethod.Get, Requests + "/status", """{ "status": "COMPLETED" }""");
        harness.Respond(HttpMethod.Get, Requests, """{ "images": [ { "url": "https://v3.fal.media/a.jpg", "width": 1024 } ], "seed": 7, "has_nsfw_concepts": [false], "extra": { "lora": "x" } }""");

        ImageGenerationResult result = await Reliability.TypedFailureTests.DriveAsync(harness,
            harness.Client.GenerateAsync(new FalAppRequest("fal-ai/flux/dev", new JsonObject { ["prompt"] = "a fox", ["num_inference_steps"] = 28 })));

        harness.To(Queue).Single().Json.ToJsonString().Should().Be("""{"prompt":"a fox","num_inference_steps":28}""");
        (result.ModelId, result.Seed, result.Images.Single().Width).Should().Be(("fal-ai/flux/dev", 7L, 1024));
        result.RawOutput!.Value.GetProperty("extra").GetProperty("lora").GetString().Should().Be("x");
    }

    [Fact]
    public async Task A_fal_app_uploads_a_local_image_field_and_maps_a_single_image_output()
    {
        var harness = new ServiceHarness(o => o.Fal.Mode = FalExecutionMode.Sync);
        harness.Respond(HttpMethod.Post, "https://rest.fal.ai/storage/upload/initiate", """{ "upload_url": "https://storage.example.com/put/1", "file_url": "https://v3.fal.media/files/in.png" }""");
        harness.Respond(HttpMethod.Put, "https://storage.example.com/put/1", "{}");
        harness.Respond(HttpMethod.Post, "https://fal.run/fal-ai/some-upscaler", """{ "image": { "url": "https://v3.fal.media/out.png", "content_type": "image/png" }, "timings": [1, 2] }""");

        ImageGenerationResult result = await harness.Client.GenerateAsync(
            new FalAppRequest("fal-ai/some-upscaler", new JsonObject { ["scale"] = 2 }).SetImage("image_url", ImageInput.FromBytes(TestImages.Png)));

        harness.To("https://fal.run/fal-ai/some-upscaler").Single().Json.ToJsonString().Should().Be("""{"scale":2,"image_url":"https://v3.fal.media/files/in.png"}""");
        result.Images.Single().Uri.Should().Be(new Uri("https://v3.fal.media/out.png"));
        result.RawOutput!.Value.GetProperty("timings").ValueKind.Should().Be(JsonValueKind.Array);
    }

    [Fact]
    public async Task A_fal_app_whose_output_is_not_images_returns_its_output()
    {
        var harness = new ServiceHarness(o => o.Fal.Mode = FalExecutionMode.Sync);
        harness.Respond(HttpMethod.Post, "https://fal.run/fal-ai/captioner", """{ "caption": "a fox in snow" }""");

        ImageGenerationResult result = await harness.Client.GenerateAsync(
            new FalAppRequest("fal-ai/captioner").SetImages("image_urls", [ImageInput.FromUrl("https://example.com/fox.png")]));

        harness.Requests.Single().Json.ToJsonString().Should().Be("""{"image_urls":["https://example.com/fox.png"]}""");
        result.Images.Should().BeEmpty();
        result.RawOutput!.Value.GetProperty("caption").GetString().Should().Be("a fox in snow");
    }

    [Fact]
    public async Task An_untyped_request_for_a_catalog_app_may_return_no_images()
    {
        var harness = new ServiceHarness(o => o.Fal.Mode = FalExecutionMode.Sync);
        harness.Respond(HttpMethod.Post, "https://fal.run/fal-ai/omnigen-v1", """{ "caption": "not an image", "images": [ null ] }""");

        ImageGenerationResult result = await harness.Client.GenerateAsync(new FalAppRequest("fal-ai/omnigen-v1", new JsonObject { ["prompt"] = "x" }));

        result.Images.Should().BeEmpty();
        result.RawOutput!.Value.GetProperty("caption").GetString().Should().Be("not an image");
    }

    [Theory]
    [InlineData("flux")]
    [InlineData("fal-ai/../storage")]
    [InlineData("fal-ai/flux dev")]
    public async Task A_fal_app_id_that_is_not_owner_app_is_refused(string appId)
    {
        var harness = new ServiceHarness();

        LumenfallValidationException error = (await FluentActions.Awaiting(() => harness.Client.StartAsync(new FalAppRequest(appId)))
            .Should().ThrowAsync<LumenfallValidationException>()).Which;

        (error.ParameterName, error.Rule).Should().Be(("app", ValidationRule.ModelId));
        harness.Requests.Should().BeEmpty();
    }

    [Fact]
    public void A_with_copy_of_a_fal_app_request_has_its_own_input()
    {
        var original = new FalAppRequest("fal-ai/flux/dev", new JsonObject { ["prompt"] = "a" });

        FalAppRequest copy = original with { };
        copy.Input["prompt"] = "b";

        original.Input["prompt"]!.GetValue<string>().Should().Be("a");
    }
}
