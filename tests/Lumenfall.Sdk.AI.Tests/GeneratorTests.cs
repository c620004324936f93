using System.Drawing;
using System.Net;
using System.Text.Json.Nodes;
using Lumenfall.Sdk.Testing;
using Microsoft.Extensions.AI;

namespace Lumenfall.Sdk.AI.Tests;

/// <summary><see cref="LumenfallImageGenerator"/> against the emulator: every model, over real loopback HTTP.</summary>
public class GeneratorTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private static readonly byte[] Png = EmulatorImages.Png(8, 8, 1);

    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G'];

    /// <summary>Model, images asked for, and the count parameter of each billable call the service received.</summary>
    public static TheoryData<string, int, int[]> Counts => new()
    {
        { "gpt-image-2", 3, [1, 1, 1] },          // one image per call: three calls
        { "flux.2-dev", 3, [3] },
        { "omnigen-v2", 3, [3] },
        { "omnigen-v1", 6, [4, 2] },              // fal's num_images goes up to 4
        { "omnirouters/Seedream:4.5", 3, [3] },
    };

    [Theory]
    [MemberData(nameof(Counts))]
    public async Task Count_becomes_the_models_count_parameter_or_several_calls(string model, int count, int[] perCall)
    {
        IImageGenerator generator = fixture.Client().AsIImageGenerator(model);
        int mark = fixture.Emulator.Requests.Count;

        ImageGenerationResponse response = await generator.GenerateImagesAsync("three owls", new ImageGenerationOptions { Count = count });

        response.Contents.Should().HaveCount(count);
        IReadOnlyList<EmulatorRequest> calls = fixture.BillableSince(mark);
        calls.Select(c => EmulatorFixture.Body(c)[model.Contains("omnigen-v1", StringComparison.Ordinal) ? "num_images" : "n"]!.GetValue<int>())
            .Should().Equal(perCall);
        ((object)response.RawRepresentation!).Should().BeAssignableTo(perCall.Length == 1 ? typeof(ImageGenerationResult) : typeof(IReadOnlyList<ImageGenerationResult>));
    }

    [Fact]
    public async Task Without_a_count_one_image_is_asked_for_and_no_count_parameter_is_sent()
    {
        int mark = fixture.Emulator.Requests.Count;

        ImageGenerationResponse response = await fixture.Client().AsIImageGenerator("flux.2-dev").GenerateImagesAsync("an owl");

        response.Contents.Should().ContainSingle();
        EmulatorFixture.Body(fixture.BillableSince(mark).Single()).ContainsKey("n").Should().BeFalse();
    }

    [Theory]
    [InlineData("gpt-image-2", 2)]
    [InlineData("flux.2-dev", 2)]
    [InlineData("omnigen-v2", 3)]
    public async Task Every_original_image_reaches_a_gateway_edit(string model, int images)
    {
        IImageGenerator generator = fixture.Client().AsIImageGenerator(model);
        int mark = fixture.Emulator.Requests.Count;
        AIContent[] originals = [.. Enumerable.Range(0, images).Select(i => new DataContent(Png, "image/png") { Name = $"in{i}.png" })];

        ImageGenerationResponse response = await generator.EditImagesAsync(originals, "make it night");

        EmulatorRequest edit = fixture.BillableSince(mark).Single();
        edit.Path.Should().EndWith("/images/edits");
        edit.FileParts.Should().Equal(Enumerable.Repeat("image[]", images));
        edit.FormFields["prompt"].Should().Be("make it night");
        response.Contents.Should().NotBeEmpty();
    }

    [Fact]
    public async Task Data_and_uri_images_both_reach_a_fal_model_the_local_one_uploaded_first()
    {
        IImageGenerator generator = fixture.Client().AsIImageGenerator("omnigen-v1");
        int mark = fixture.Emulator.Requests.Count;
        AIContent[] originals = [new DataContent(Png, "image/png"), new UriContent("https://example.com/cat.png", "image/png")];

        await generator.EditImagesAsync(originals, "<img><|image_1|></img> and <img><|image_2|></img> together");

        JsonArray urls = EmulatorFixture.Body(fixture.BillableSince(mark).Single())["input_image_urls"]!.AsArray();
        urls.Should().HaveCount(2);
        urls[1]!.GetValue<string>().Should().Be("https://example.com/cat.png");
        urls[0]!.GetValue<string>().Should().StartWith(fixture.Emulator.BaseAddress.ToString());   // uploaded to the emulator's fal storage
        fixture.Since(mark).Should().Contain(r => r.Path.Contains("/storage/upload", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Uri_images_reach_omnirouters_as_its_images_list()
    {
        int mark = fixture.Emulator.Requests.Count;

        await fixture.Client().AsIImageGenerator("omnirouters/Seedream:4.5").EditImagesAsync(
            [new UriContent("https://example.com/a.png", "image/png"), new UriContent("https://example.com/b.png", "image/png")], "merge them");

        EmulatorFixture.Body(fixture.BillableSince(mark).Single())["images"]!.AsArray().Select(n => n!.GetValue<string>())
            .Should().Equal("https://example.com/a.png", "https://example.com/b.png");
    }

    [Fact]
    public async Task More_images_than_the_model_takes_fail_its_validation_before_anything_is_sent()
    {
        int mark = fixture.Emulator.Requests.Count;
        AIContent[] originals = [.. Enumerable.Range(0, 11).Select(_ => new DataContent(Png, "image/png"))];

        Func<Task> act = () => fixture.Client().AsIImageGenerator("gpt-image-2").EditImagesAsync(originals, "x");

        (await act.Should().ThrowAsync<LumenfallValidationException>()).Which.Errors.Should().Contain(e => e.ParameterName == "image" && e.Rule == ValidationRule.MaxItems);
        fixture.Since(mark).Should().BeEmpty();
    }

    [Fact]
    public async Task An_original_image_that_is_neither_data_nor_uri_is_refused_by_position()
    {
        Func<Task> act = () => fixture.Client().AsIImageGenerator("gpt-image-2").EditImagesAsync([new DataContent(Png, "image/png"), new TextContent("not an image")], "x");

        (await act.Should().ThrowAsync<LumenfallValidationException>()).Which.Errors.Should().ContainSingle(e => e.ParameterName == "OriginalImages[1]");
    }

    [Fact]
    public async Task Data_asks_the_gateway_for_base64_and_returns_the_bytes_with_their_media_type()
    {
        int mark = fixture.Emulator.Requests.Count;

        ImageGenerationResponse response = await fixture.Client().AsIImageGenerator("gpt-image-2")
            .GenerateImagesAsync("a map", new ImageGenerationOptions { ResponseFormat = ImageGenerationResponseFormat.Data });

        EmulatorFixture.Body(fixture.BillableSince(mark).Single())["response_format"]!.GetValue<string>().Should().Be("b64_json");
        DataContent data = response.Contents.Should().ContainSingle().Which.Should().BeOfType<DataContent>().Subject;
        data.MediaType.Should().Be("image/png");
        data.Data.ToArray()[..4].Should().Equal(PngSignature);
        data.RawRepresentation.Should().BeOfType<GeneratedImage>();
    }

    [Fact]
    public async Task Uri_asks_the_gateway_for_urls_and_returns_uri_content()
    {
        int mark = fixture.Emulator.Requests.Count;

        ImageGenerationResponse response = await fixture.Client().AsIImageGenerator("flux.2-dev")
            .GenerateImagesAsync("a map", new ImageGenerationOptions { ResponseFormat = ImageGenerationResponseFormat.Uri, MediaType = "image/jpeg" });

        JsonObject body = EmulatorFixture.Body(fixture.BillableSince(mark).Single());
        body["response_format"]!.GetValue<string>().Should().Be("url");
        body["output_format"]!.GetValue<string>().Should().Be("jpeg");
        UriContent uri = response.Contents.Should().ContainSingle().Which.Should().BeOfType<UriContent>().Subject;
        uri.MediaType.Should().Be("image/jpeg");
        uri.Uri.ToString().Should().StartWith(fixture.Emulator.BaseAddress.ToString());
    }

    [Theory]
    [InlineData("omnigen-v1")]
    [InlineData("omnirouters/Seedream:4.5")]
    public async Task Data_from_a_service_that_answers_with_urls_downloads_the_image(string model)
    {
        ImageGenerationResponse response = await fixture.Client().AsIImageGenerator(model)
            .GenerateImagesAsync("a map", new ImageGenerationOptions { ResponseFormat = ImageGenerationResponseFormat.Data, MediaType = model == "omnigen-v1" ? "image/png" : null });

        DataContent data = response.Contents.Should().ContainSingle().Which.Should().BeOfType<DataContent>().Subject;
        data.Data.ToArray()[..4].Should().Equal(PngSignature);
        data.MediaType.Should().Be("image/png");
    }

    [Fact]
    public async Task A_media_type_the_model_cannot_return_fails_its_validation()
    {
        Func<Task> act = () => fixture.Client().AsIImageGenerator("omnigen-v1").GenerateImagesAsync("x", new ImageGenerationOptions { MediaType = "image/webp" });

        (await act.Should().ThrowAsync<LumenfallValidationException>()).Which.Errors.Should().Contain(e => e.ParameterName == "output_format" && e.Rule == ValidationRule.AllowedValues);
    }

    [Fact]
    public async Task Usage_is_the_services_token_usage_summed_over_the_calls()
    {
        ImageGenerationResponse response = await fixture.Client().AsIImageGenerator("gpt-image-2")
            .GenerateImagesAsync("a poster of a fox", new ImageGenerationOptions { Count = 2, ImageSize = new Size(64, 32) });

        var results = (IReadOnlyList<ImageGenerationResult>)response.RawRepresentation!;
        results.Should().HaveCount(2).And.OnlyContain(r => r.Usage != null);
        response.Usage!.InputTokenCount.Should().Be(results.Sum(r => r.Usage!.InputTokens)).And.BeGreaterThan(0);
        response.Usage.OutputTokenCount.Should().Be(results.Sum(r => r.Usage!.OutputTokens)).And.Be(2 * 2);   // 64x32 = 2 Ki pixels per image
        response.Usage.TotalTokenCount.Should().Be(response.Usage.InputTokenCount + response.Usage.OutputTokenCount);
    }

    [Fact]
    public async Task A_model_without_usage_reports_none()
    {
        ImageGenerationResponse response = await fixture.Client().AsIImageGenerator("flux.2-dev").GenerateImagesAsync("a fox");

        response.Usage.Should().BeNull();
    }

    [Fact]
    public async Task Options_pick_the_model_and_additional_properties_set_parameters_by_wire_name()
    {
        int mark = fixture.Emulator.Requests.Count;
        var options = new ImageGenerationOptions
        {
            ModelId = "gpt-image-2",
            AdditionalProperties = new AdditionalPropertiesDictionary { ["quality"] = "low", ["background"] = "opaque", ["x_trace"] = 7 },
        };

        await fixture.Client().AsIImageGenerator("flux.2-dev").GenerateImagesAsync("x", options);

        JsonObject body = EmulatorFixture.Body(fixture.BillableSince(mark).Single());
        body["model"]!.GetValue<string>().Should().Be("gpt-image-2");
        body["quality"]!.GetValue<string>().Should().Be("low");
        body["background"]!.GetValue<string>().Should().Be("opaque");
        body["x_trace"]!.GetValue<int>().Should().Be(7);   // not a parameter of the record: passed through
    }

    [Fact]
    public async Task A_typed_parameter_of_the_wrong_type_is_refused_by_name_before_anything_is_sent()
    {
        int mark = fixture.Emulator.Requests.Count;
        var options = new ImageGenerationOptions { AdditionalProperties = new AdditionalPropertiesDictionary { ["output_compression"] = "high" } };

        Func<Task> act = () => fixture.Client().AsIImageGenerator("gpt-image-2").GenerateImagesAsync("x", options);

        (await act.Should().ThrowAsync<LumenfallValidationException>()).Which.Errors.Should().ContainSingle(e => e.ParameterName == "output_compression" && e.Rule == ValidationRule.ParameterType);
        fixture.Since(mark).Should().BeEmpty();
    }

    [Fact]
    public async Task A_ready_record_from_the_raw_representation_factory_is_sent_as_it_is()
    {
        int mark = fixture.Emulator.Requests.Count;
        var options = new ImageGenerationOptions
        {
            RawRepresentationFactory = _ => new OmniGenV2GenerationRequest("from the record") { Size = "48x40", NegativePrompt = "blur" },
        };

        ImageGenerationResponse response = await fixture.Client().AsIImageGenerator("gpt-image-2").GenerateImagesAsync("ignored", options);

        JsonObject body = EmulatorFixture.Body(fixture.BillableSince(mark).Single());
        body["model"]!.GetValue<string>().Should().Be("omnigen-v2");
        body["prompt"]!.GetValue<string>().Should().Be("from the record");
        body["negative_prompt"]!.GetValue<string>().Should().Be("blur");
        response.Contents.Should().ContainSingle();
    }

    [Fact]
    public async Task Service_errors_are_the_sdks_typed_exceptions()
    {
        fixture.Emulator.Faults.Add(new EmulatorFault { PathContains = "/images/generations", StatusCode = HttpStatusCode.BadRequest, Body = """{"error":{"message":"prompt refused","type":"invalid_request_error","code":"INVALID_REQUEST"}}""" });

        Func<Task> act = () => fixture.Client().AsIImageGenerator("omnigen-v2").GenerateImagesAsync("x");

        (await act.Should().ThrowAsync<LumenfallBadRequestException>()).Which.Message.Should().Contain("prompt refused");
    }

    [Fact]
    public async Task A_failure_after_some_calls_keeps_the_images_already_made_on_the_exception()
    {
        // The second generation POST is refused (GPT Image 2 makes one image per call, so Count = 3 is three calls).
        int posts = 0;
        using var handler = new RefuseHandler(r => r.Method == HttpMethod.Post && Interlocked.Increment(ref posts) == 2);
        var options = new LumenfallOptions();
        fixture.Emulator.Configure(options);
        var client = new ImageClient(options, handler);

        Func<Task> act = () => client.AsIImageGenerator("gpt-image-2").GenerateImagesAsync("three", new ImageGenerationOptions { Count = 3 });

        LumenfallBadRequestException thrown = (await act.Should().ThrowAsync<LumenfallBadRequestException>()).Which;
        var made = (ImageGenerationResult[])thrown.Data[LumenfallImageGenerator.CompletedResultsKey]!;
        made.Should().ContainSingle().Which.Images.Should().ContainSingle();
        posts.Should().Be(2);   // the third call is not made after a failure
    }

    [Theory]
    [InlineData("gpt-image-2", 11)]        // one image per call: 11 calls
    [InlineData("omnigen-v1", 41)]         // four per call: 11 calls
    public async Task A_count_that_would_take_more_than_ten_calls_is_refused_before_anything_is_sent(string model, int count)
    {
        int mark = fixture.Emulator.Requests.Count;

        Func<Task> act = () => fixture.Client().AsIImageGenerator(model).GenerateImagesAsync("x", new ImageGenerationOptions { Count = count });

        (await act.Should().ThrowAsync<LumenfallValidationException>()).Which.Errors.Should().ContainSingle(e => e.ParameterName == "Count" && e.Rule == ValidationRule.Maximum);
        fixture.Since(mark).Should().BeEmpty();
    }

    [Fact]
    public async Task Options_a_ready_record_cannot_take_are_refused_not_dropped()
    {
        var options = new ImageGenerationOptions { Count = 2, RawRepresentationFactory = _ => new OmniGenV2GenerationRequest("ready") };

        Func<Task> act = () => fixture.Client().AsIImageGenerator("gpt-image-2").GenerateImagesAsync("x", options);

        (await act.Should().ThrowAsync<LumenfallValidationException>()).Which.Errors.Should().ContainSingle(e => e.ParameterName == "Count");
    }

    [Fact]
    public async Task A_model_id_no_request_can_be_made_for_fails_typed_or_at_construction()
    {
        ImageClient client = fixture.Client();

        Action construct = () => client.AsIImageGenerator("omni-image");
        Func<Task> overridden = () => client.AsIImageGenerator("gpt-image-2").GenerateImagesAsync("x", new ImageGenerationOptions { ModelId = "omni-image" });

        construct.Should().Throw<ArgumentException>().WithParameterName("modelId");
        (await overridden.Should().ThrowAsync<LumenfallValidationException>()).Which.Errors.Should().ContainSingle(e => e.ParameterName == "ModelId" && e.Rule == ValidationRule.ModelId);
    }

    [Fact]
    public async Task Options_win_over_additional_properties_of_the_same_wire_name()
    {
        int mark = fixture.Emulator.Requests.Count;
        var options = new ImageGenerationOptions { ImageSize = new Size(1000, 1000), AdditionalProperties = new AdditionalPropertiesDictionary { ["size"] = "64x64" } };

        ImageGenerationResponse response = await fixture.Client().AsIImageGenerator("gpt-image-2").GenerateImagesAsync("x", options);

        EmulatorFixture.Body(fixture.BillableSince(mark).Single())["size"]!.GetValue<string>().Should().Be("1008x1008");
        response.Contents.Single().AdditionalProperties![LumenfallImageGenerator.SizeSentKey].Should().Be("1008x1008");
    }

    [Fact]
    public async Task A_canceled_token_sends_nothing()
    {
        int mark = fixture.Emulator.Requests.Count;
        using var canceled = new CancellationTokenSource();
        await canceled.CancelAsync();

        Func<Task> act = () => fixture.Client().AsIImageGenerator("gpt-image-2").GenerateImagesAsync("x", null, canceled.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
        fixture.Since(mark).Should().BeEmpty();
    }

    [Fact]
    public async Task Canceling_while_a_queued_job_is_awaited_ends_the_wait_with_the_callers_cancellation()
    {
        using var cancel = new CancellationTokenSource();

        // The token is canceled when the first status poll goes out: the job was submitted and is being awaited.
        using var handler = new CancelOnHandler(r => r.Method == HttpMethod.Get && r.RequestUri!.AbsolutePath.EndsWith("/status", StringComparison.Ordinal), cancel);
        var options = new LumenfallOptions();
        fixture.Emulator.Configure(options);
        EmulatorFixture.Fast(options);
        var client = new ImageClient(options, handler);

        Func<Task> act = () => client.AsIImageGenerator("omnigen-v1").GenerateImagesAsync("x", null, cancel.Token);

        (await act.Should().ThrowAsync<OperationCanceledException>()).Which.CancellationToken.Should().Be(cancel.Token);
        handler.Seen.Should().Contain(r => r.Method == HttpMethod.Post);   // submitted once, never again
        handler.Seen.Count(r => r.Method == HttpMethod.Post).Should().Be(1);
    }

    [Fact]
    public void GetService_returns_the_client_the_models_descriptor_and_the_metadata()
    {
        ImageClient client = fixture.Client();
        IImageGenerator generator = client.AsIImageGenerator("gpt-image-2");

        generator.GetService<ImageClient>().Should().BeSameAs(client);
        generator.GetService<ModelDescriptor>()!.Id.Should().Be("gpt-image-2");
        ImageGeneratorMetadata metadata = generator.GetService<ImageGeneratorMetadata>()!;
        metadata.ProviderName.Should().Be("lumenfall");
        metadata.ProviderUri.Should().Be(fixture.Emulator.GatewayEndpoint);
        metadata.DefaultModelId.Should().Be("gpt-image-2");
        generator.GetService<LumenfallImageGenerator>().Should().BeSameAs(generator);
        generator.GetService<ImageClient>("a key").Should().BeNull();
        client.AsIImageGenerator("omnirouters/Seedream:4.5").GetService<ImageGeneratorMetadata>()!.ProviderName.Should().Be("omnirouters");
        client.AsIImageGenerator("omnigen-v1").GetService<ImageGeneratorMetadata>()!.ProviderUri.Should().Be(fixture.Emulator.FalRunEndpoint);
        client.AsIImageGenerator("omnirouters/Seedream:4.5").GetService<ModelDescriptor>().Should().BeNull();
    }

    /// <summary>Sends over real sockets, except that a request matching a condition gets a 400 from the handler itself.</summary>
    private sealed class RefuseHandler(Func<HttpRequestMessage, bool> refuse) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            refuse(request)
                ? Task.FromResult(new HttpResponseMessage(HttpStatusCode.BadRequest)
                {
                    RequestMessage = request,
                    Content = new StringContent("""{"error":{"message":"refused","type":"invalid_request_error"}}""", System.Text.Encoding.UTF8, "application/json"),
                })
                : base.SendAsync(request, cancellationToken);
    }

    /// <summary>Sends over real sockets; cancels a token when a request matching a condition goes out.</summary>
    private sealed class CancelOnHandler(Func<HttpRequestMessage, bool> when, CancellationTokenSource cancel) : DelegatingHandler(new SocketsHttpHandler())
    {
        public List<HttpRequestMessage> Seen { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (Seen)
            {
                Seen.Add(request);
            }

            if (when(request))
            {
                cancel.Cancel();
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
