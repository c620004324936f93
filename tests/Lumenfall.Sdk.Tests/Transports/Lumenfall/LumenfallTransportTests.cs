using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Lumenfall.Sdk.Tests.TestSupport;
using RichardSzalay.MockHttp;

namespace Lumenfall.Sdk.Tests.Transports.Lumenfall;

/// <summary>The Lumenfall gateway on the wire: requests from the seed pages' examples, responses, downloads.</summary>
public class LumenfallTransportTests
{
    private const string Generations = ServiceHarness.LumenfallBase + "/images/generations";
    private const string Edits = ServiceHarness.LumenfallBase + "/images/edits";
    private const string UrlResponse = """
        { "created": 1702345678, "size": "1024x1024",
          "data": [ { "url": "https://media.lumenfall.ai/abc123.png", "revised_prompt": "a capybara, photographed" } ],
          "metadata": { "model": "omnigen-v2", "executed_model": "fal/omnigen-v2", "provider": "fal",
                        "provider_name": "fal.ai", "cost": 0.15, "cost_currency": "USD", "attempts": [ { "provider": "fal" } ] } }
        """;

    public static TheoryData<string, Func<string, LumenfallImageRequest>> GenerationRequests => new()
    {
        { "omnigen-v2", p => new OmniGenV2GenerationRequest(p) { Size = "1024x1024" } },
        { "gpt-image-2", p => new GptImage2GenerationRequest(p) { Size = "1024x1024" } },
        { "flux.2-dev", p => new Flux2DevGenerationRequest(p) { Size = "1024x1024" } },
    };

    public static TheoryData<string, Func<string, IList<ImageInput>, LumenfallImageRequest>> EditRequests => new()
    {
        { "omnigen-v2", (p, i) => new OmniGenV2EditRequest(p, i) { Size = "1024x1024" } },
        { "gpt-image-2", (p, i) => new GptImage2EditRequest(p, i) { Size = "1024x1024" } },
        { "flux.2-dev", (p, i) => new Flux2DevEditRequest(p, i) { Size = "1024x1024" } },
    };

    [Theory]
    [MemberData(nameof(GenerationRequests))]
    public async Task Generation_posts_the_seed_example_as_json_with_the_bearer_key(string model, Func<string, LumenfallImageRequest> create)
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Generations, UrlResponse);

        await harness.Client.GenerateAsync(create("a capybara reading in a sunlit bookstore"));

        CapturedRequest sent = harness.Requests.Should().ContainSingle().Subject;
        sent.Method.Should().Be(HttpMethod.Post);
        sent.Uri.Should().Be(new Uri(Generations));
        sent.Authorization.Should().Be("Bearer " + ServiceHarness.LumenfallKey);
        sent.ContentType.Should().Be("application/json; charset=utf-8");
        sent.Headers.Should().ContainKey("X-Client-Request-Id");
        sent.Json.ToJsonString().Should().Be(
            $$"""{"model":"{{model}}","prompt":"a capybara reading in a sunlit bookstore","size":"1024x1024"}""");
    }

    [Fact]
    public async Task Only_set_fields_and_additional_properties_are_sent_and_a_provider_can_be_forced()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Generations, UrlResponse);
        var request = new OmniGenV2GenerationRequest("x")
        {
            Provider = "fal",
            ImageCount = 1,
            EnableSafetyChecker = false,
            ResponseFormat = ResponseFormat.Url,
            AdditionalProperties = { ["guidance"] = new JsonObject { ["start"] = 0.1 } },
        };

        await harness.Client.GenerateAsync(request);

        harness.Requests.Single().Json.ToJsonString().Should().Be(
            """{"model":"fal/omnigen-v2","prompt":"x","response_format":"url","n":1,"enable_safety_checker":false,"guidance":{"start":0.1}}""");
    }

    [Theory]
    [MemberData(nameof(EditRequests))]
    public async Task Edit_posts_multipart_with_one_image_part_named_image(string model, Func<string, IList<ImageInput>, LumenfallImageRequest> create)
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Edits, UrlResponse);

        await harness.Client.GenerateAsync(create("Add a starry night sky to this image", [ImageInput.FromBytes(TestImages.Png, fileName: "source.png")]));

        CapturedRequest sent = harness.Requests.Single();
        sent.Uri.Should().Be(new Uri(Edits));
        sent.Authorization.Should().Be("Bearer " + ServiceHarness.LumenfallKey);
        sent.ContentType.Should().StartWith("multipart/form-data; boundary=");
        sent.Parts.Select(p => p.Name).Should().Equal("model", "prompt", "size", "image");
        sent.Field("model").Should().Be(model);
        sent.Field("prompt").Should().Be("Add a starry night sky to this image");
        sent.Field("size").Should().Be("1024x1024");
        FormPart image = sent.Parts.Single(p => p.Name == "image");
        (image.FileName, image.ContentType).Should().Be(("source.png", "image/png"));
        image.Content.Should().Equal(TestImages.Png);
    }

    [Fact]
    public async Task Edit_with_three_images_sends_repeated_image_brackets_parts_with_matching_names_and_types()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Edits, UrlResponse);
        string folder = Directory.CreateTempSubdirectory().FullName;
        string photo = Path.Combine(folder, "photo.png");
        await File.WriteAllBytesAsync(photo, TestImages.Jpeg);   // a JPEG with the wrong extension
        using var stream = new MemoryStream(TestImages.Webp);

        await harness.Client.GenerateAsync(new OmniGenV2EditRequest("merge them",
            [ImageInput.FromFile(photo), ImageInput.FromStream(stream, "hat"), ImageInput.FromBytes(TestImages.Png)]));

        List<FormPart> images = harness.Requests.Single().Parts.Where(p => p.FileName is not null).ToList();
        images.Select(p => (p.Name, p.FileName, p.ContentType)).Should().Equal(
            ("image[]", "photo.jpg", "image/jpeg"),
            ("image[]", "hat.webp", "image/webp"),
            ("image[]", "image3.png", "image/png"));
        images[0].Content.Should().Equal(TestImages.Jpeg);
        images[1].Content.Should().Equal(TestImages.Webp);
    }

    [Fact]
    public async Task Gpt_image_2_edit_sends_the_mask_as_its_own_part_and_objects_as_json_text()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Edits, UrlResponse);
        var request = new GptImage2EditRequest("replace the sky", [ImageInput.FromBytes(TestImages.Png, fileName: "room.png")])
        {
            Mask = ImageInput.FromBytes(TestImages.Png, fileName: "mask.png"),
            ImageCount = 1,
            AdditionalProperties = { ["input_fidelity"] = "high", ["extras"] = new JsonArray(1, 2) },
        };

        await harness.Client.GenerateAsync(request);

        CapturedRequest sent = harness.Requests.Single();
        sent.Parts.Select(p => p.Name).Should().Equal("model", "prompt", "n", "input_fidelity", "extras", "image", "mask");
        sent.Field("n").Should().Be("1");
        sent.Field("extras").Should().Be("[1,2]");
        FormPart mask = sent.Parts.Single(p => p.Name == "mask");
        (mask.FileName, mask.ContentType).Should().Be(("mask.png", "image/png"));
    }

    [Fact]
    public async Task A_callers_stream_is_rewound_for_each_send_and_never_disposed()
    {
        var harness = new ServiceHarness();
        var bodies = new List<byte[]>();
        harness.Mock.When(HttpMethod.Post, Edits).Respond(async request =>
        {
            // Read the body twice, as a retry would.
            bodies.Add(await request.Content!.ReadAsByteArrayAsync());
            using var again = new MemoryStream();
            await request.Content.CopyToAsync(again);
            bodies.Add(again.ToArray());
            return ServiceHarness.Json(HttpStatusCode.OK, UrlResponse);
        });
        var stream = new MemoryStream([0xAA, .. TestImages.Png]);
        stream.Position = 1;   // the caller already consumed one byte; the image starts here

        await harness.Client.GenerateAsync(new Flux2DevEditRequest("x", [ImageInput.FromStream(stream, "in.png")]));

        bodies.Should().HaveCount(2);
        bodies[1].Should().Equal(bodies[0]);
        stream.CanRead.Should().BeTrue("the SDK never disposes a stream it did not open");
        stream.Position = 0;
        stream.ReadByte().Should().Be(0xAA);
    }

    [Fact]
    public async Task Url_responses_map_every_documented_field_and_the_headers()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Generations, UrlResponse, HttpStatusCode.OK,
            ("X-Lumenfall-Request-Id", "req_123"), ("X-Lumenfall-Provider", "fal"), ("X-Lumenfall-Model", "omnigen-v2"));

        ImageGenerationResult result = await harness.Client.GenerateAsync(new OmniGenV2GenerationRequest("x"));

        result.RequestId.Should().Be("req_123");
        result.ClientRequestId.Should().Be(harness.Requests.Single().Headers["X-Client-Request-Id"]);
        result.Created.Should().Be(DateTimeOffset.FromUnixTimeSeconds(1702345678));
        result.Size.Should().Be("1024x1024");
        (result.ResponseModel, result.ExecutedModel, result.Provider, result.ProviderDisplayName).Should().Be(("omnigen-v2", "fal/omnigen-v2", "fal", "fal.ai"));
        (result.Cost, result.CostCurrency).Should().Be((0.15m, "USD"));
        GeneratedImage image = result.Images.Should().ContainSingle().Subject;
        image.Uri.Should().Be(new Uri("https://media.lumenfall.ai/abc123.png"));
        image.Data.Should().BeNull();
        image.MediaType.Should().Be("image/png");
        image.RevisedPrompt.Should().Be("a capybara, photographed");
    }

    [Fact]
    public async Task Base64_responses_are_decoded_with_usage_details_and_the_body_id()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Generations, $$"""
            { "id": "req_body", "created": 1713833628, "background": "opaque", "output_format": "png", "size": "1024x1024", "quality": "high",
              "data": [ { "b64_json": "{{TestImages.PngBase64}}", "url": "", "revised_prompt": "" } ],
              "usage": { "total_tokens": 100, "input_tokens": 50, "output_tokens": 50,
                         "input_tokens_details": { "text_tokens": 10, "image_tokens": 40 },
                         "output_tokens_details": { "image_tokens": 50, "text_tokens": 0 } },
              "something_new": { "nested": [1, 2, 3] } }
            """);

        ImageGenerationResult result = await harness.Client.GenerateAsync(new GptImage2GenerationRequest("x") { ResponseFormat = ResponseFormat.Base64Json });

        result.RequestId.Should().Be("req_body");
        result.OutputFormat.Should().Be("png");
        result.Usage.Should().Be(new ImageUsage(50, 50, 100, 10, 40, 0, 50));
        GeneratedImage image = result.Images.Single();
        image.Uri.Should().BeNull("an empty url counts as absent");
        image.RevisedPrompt.Should().BeNull("an empty revised prompt counts as absent");
        image.Data!.Value.ToArray().Should().Equal(TestImages.Png);
        image.MediaType.Should().Be("image/png");
    }

    [Fact]
    public async Task Usage_without_details_and_a_response_without_metadata_still_parse()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Generations, $$"""
            { "created": 1750667997, "data": [ { "b64_json": "{{TestImages.PngBase64}}" } ],
              "usage": { "total_tokens": 4169, "input_tokens": 9, "output_tokens": 4160 } }
            """, HttpStatusCode.OK, ("X-Lumenfall-Provider", "openai"), ("X-Lumenfall-Model", "gpt-image-2"));

        ImageGenerationResult result = await harness.Client.GenerateAsync(new GptImage2GenerationRequest("x"));

        result.Usage.Should().Be(new ImageUsage(9, 4160, 4169));
        (result.Provider, result.ResponseModel).Should().Be(("openai", "gpt-image-2"));
        result.Cost.Should().BeNull();
    }

    [Fact]
    public async Task Downloading_a_result_from_another_host_sends_no_authorization()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Generations, UrlResponse);
        harness.RespondBytes("https://media.lumenfall.ai/abc123.png", TestImages.Jpeg, "image/jpeg");
        ImageGenerationResult result = await harness.Client.GenerateAsync(new Flux2DevGenerationRequest("x"));
        string folder = Directory.CreateTempSubdirectory().FullName;

        string saved = await result.Images[0].SaveAsync(Path.Combine(folder, "capybara.png"));

        CapturedRequest download = harness.Requests[1];
        download.Uri.Host.Should().Be("media.lumenfall.ai");
        download.Authorization.Should().BeNull();
        saved.Should().Be(Path.Combine(folder, "capybara.jpg"), "the file gets the extension of its real format");
        (await File.ReadAllBytesAsync(saved)).Should().Equal(TestImages.Jpeg);
    }

    [Fact]
    public async Task Data_uri_results_are_decoded_locally()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Generations, $$"""{ "data": [ { "url": "data:image/png;base64,{{TestImages.PngBase64}}" } ] }""");
        ImageGenerationResult result = await harness.Client.GenerateAsync(new Flux2DevGenerationRequest("x"));

        await using Stream stream = await result.Images[0].OpenReadAsync();
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);

        copy.ToArray().Should().Equal(TestImages.Png);
        harness.Requests.Should().HaveCount(1, "a data URI is not downloaded");
    }

    [Fact]
    public async Task Saving_into_a_folder_names_the_file_after_the_url_with_the_real_extension()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Generations, UrlResponse);
        harness.RespondBytes("https://media.lumenfall.ai/abc123.png", TestImages.Png, "image/png");
        ImageGenerationResult result = await harness.Client.GenerateAsync(new Flux2DevGenerationRequest("x"));
        string folder = Directory.CreateTempSubdirectory().FullName;

        string saved = await result.Images[0].SaveAsync(folder);
        using var sink = new MemoryStream();
        await result.Images[0].SaveAsync(sink);

        saved.Should().Be(Path.Combine(folder, "abc123.png"));
        sink.ToArray().Should().Equal(TestImages.Png);
    }

    [Fact]
    public async Task A_slow_generation_times_out_with_the_client_request_id_and_a_billing_warning()
    {
        var harness = new ServiceHarness(o => o.Gateway.GenerationTimeout = TimeSpan.FromMinutes(3));
        Task received = harness.Hang(Generations);

        Task<ImageGenerationResult> call = harness.Client.GenerateAsync(new GptImage2GenerationRequest("x"));
        await received;
        harness.Time.Advance(TimeSpan.FromMinutes(2));
        call.IsCompleted.Should().BeFalse("two minutes is within the three-minute generation timeout");
        harness.Time.Advance(TimeSpan.FromMinutes(1));

        LumenfallTimeoutException error = (await FluentActions.Awaiting(() => call).Should().ThrowAsync<LumenfallTimeoutException>()).Which;
        error.Timeout.Should().Be(TimeSpan.FromMinutes(3));
        error.ClientRequestId.Should().NotBeNullOrEmpty();
        error.Message.Should().Contain(error.ClientRequestId).And.Contain("may still produce the image and bill");
    }

    [Fact]
    public async Task The_default_generation_timeout_is_ten_minutes()
    {
        var harness = new ServiceHarness();
        Task received = harness.Hang(Generations);

        Task<ImageGenerationResult> call = harness.Client.GenerateAsync(new GptImage2GenerationRequest("x"));
        await received;
        harness.Time.Advance(TimeSpan.FromMinutes(9.9));
        call.IsCompleted.Should().BeFalse();
        harness.Time.Advance(TimeSpan.FromMinutes(0.2));

        await FluentActions.Awaiting(() => call).Should().ThrowAsync<LumenfallTimeoutException>();
    }

    [Fact]
    public async Task The_callers_token_cancels_the_wait_as_a_cancellation_not_a_timeout()
    {
        var harness = new ServiceHarness();
        Task received = harness.Hang(Generations);
        using var cancel = new CancellationTokenSource();

        Task<ImageGenerationResult> call = harness.Client.GenerateAsync(new GptImage2GenerationRequest("x"), cancellationToken: cancel.Token);
        await received;
        await cancel.CancelAsync();

        await FluentActions.Awaiting(() => call).Should().ThrowAsync<OperationCanceledException>();
    }

    public static TheoryData<Func<LumenfallImageRequest>, string, string> InvalidEdits => new()
    {
        { () => new GptImage2EditRequest("x", []), "image", ValidationRule.MinItems },
        { () => new OmniGenV2EditRequest("x", Enumerable.Repeat(ImageInput.FromBytes(TestImages.Png), 4).ToList()), "image", ValidationRule.MaxItems },
        { () => new GptImage2EditRequest("x", Enumerable.Repeat(ImageInput.FromBytes(TestImages.Png), 11).ToList()), "image", ValidationRule.MaxItems },
        { () => new GptImage2EditRequest("x", [ImageInput.FromBytes(TestImages.Png)]) { Mask = ImageInput.FromBytes(TestImages.Jpeg) }, "mask", ValidationRule.MediaType },
        { () => new GptImage2EditRequest("x", [ImageInput.FromBytes(TestImages.Png)]) { Mask = ImageInput.FromFile("mask.webp") }, "mask", ValidationRule.MediaType },
    };

    [Theory]
    [MemberData(nameof(InvalidEdits))]
    public async Task Bad_edits_fail_validation_and_send_nothing(Func<LumenfallImageRequest> create, string parameter, string rule)
    {
        var harness = new ServiceHarness();

        LumenfallValidationException error = (await FluentActions.Awaiting(() => harness.Client.GenerateAsync(create()))
            .Should().ThrowAsync<LumenfallValidationException>()).Which;

        (error.ParameterName, error.Rule).Should().Be((parameter, rule));
        harness.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task An_image_whose_type_cannot_be_told_is_refused_before_sending()
    {
        var harness = new ServiceHarness();

        LumenfallValidationException error = (await FluentActions.Awaiting(() =>
                harness.Client.GenerateAsync(new Flux2DevEditRequest("x", [ImageInput.FromBytes(new byte[] { 1, 2, 3, 4 })])))
            .Should().ThrowAsync<LumenfallValidationException>()).Which;

        (error.ParameterName, error.Rule).Should().Be(("image[0]", ValidationRule.MediaType));
        harness.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Lists_models_tolerating_fields_it_does_not_know()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Get, ServiceHarness.LumenfallBase + "/models", """
            { "object": "list", "data": [
              { "id": "gpt-image-2", "object": "model", "created": 1745000000, "owned_by": "openai",
                "name": "GPT Image 2", "aliases": [], "capabilities": { "edit": true }, "modality": "image" },
              { "id": "omnigen-v2", "object": "model", "created": 1750000000, "owned_by": "vectorspacelab" } ] }
            """);

        IReadOnlyList<ServiceModel> models = await harness.Client.ListModelsAsync();

        models.Select(m => m.Id).Should().Equal("gpt-image-2", "omnigen-v2");
        models[0].Name.Should().Be("GPT Image 2");
        models[0].OwnedBy.Should().Be("openai");
        models[0].AdditionalData["capabilities"].GetProperty("edit").GetBoolean().Should().BeTrue();
        models[0].Descriptor.Should().BeSameAs(ModelCatalog.GptImage2);
        harness.Requests.Single().Authorization.Should().Be("Bearer " + ServiceHarness.LumenfallKey);
    }

    [Fact]
    public async Task Gets_one_model_and_its_schema_as_json()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Get, ServiceHarness.LumenfallBase + "/models/omnigen-v2?schema=true", """{ "type": "object", "properties": { "prompt": { "type": "string" } } }""");
        harness.Respond(HttpMethod.Get, ServiceHarness.LumenfallBase + "/models/omnigen-v2", """{ "id": "omnigen-v2", "object": "model", "owned_by": "vectorspacelab" }""");

        ServiceModel model = await harness.Client.GetModelAsync("omnigen-v2");
        using var schema = await harness.Client.GetModelSchemaAsync("omnigen-v2");

        model.OwnedBy.Should().Be("vectorspacelab");
        schema.RootElement.GetProperty("properties").GetProperty("prompt").GetProperty("type").GetString().Should().Be("string");
        harness.Requests.Select(r => r.Uri.Query).Should().Contain("?schema=true");
    }

    [Fact]
    public async Task Estimates_cost_with_a_dry_run()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Generations + "?dryRun=true", """
            { "estimated": true, "model": "flux.2-dev", "provider": "fal", "total_cost_micros": 25000, "currency": "USD",
              "components": [ { "type": "image", "metric": "megapixel", "quantity": 1.05, "billable_quantity": 2, "unit_price": 0.0125, "total_cost": 0.025 } ] }
            """);

        CostEstimate estimate = await harness.Client.EstimateCostAsync(new Flux2DevGenerationRequest("x") { Size = "1024x1024" });

        estimate.TotalCost.Should().Be(0.025m);
        estimate.TotalCostMicros.Should().Be(25000);
        (estimate.Model, estimate.Provider, estimate.Currency).Should().Be(("flux.2-dev", "fal", "USD"));
        estimate.Components.Should().ContainSingle().Which.Should().Be(new CostComponent("image", "megapixel", 1.05m, 2m, 0.0125m, 0.025m));
        harness.Requests.Single().Json["model"]!.GetValue<string>().Should().Be("flux.2-dev");
    }
}
