using System.Net;
using System.Net.Http.Headers;
using Lumenfall.Sdk.Testing;

namespace Lumenfall.Sdk.IntegrationTests;

/// <summary>Every model and mode through <see cref="ImageClient"/> against the emulator over real loopback HTTP.</summary>
public class EmulatorRoundTripTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private static readonly byte[] Png = EmulatorImages.Png(8, 8, 1);

    private LumenfallEmulator Emulator => fixture.Emulator;

    public static TheoryData<string, Func<ImageRequest>, string, int, int> Requests => new()
    {
        { "omnigen-v2 generation", () => new OmniGenV2GenerationRequest("a capybara") { Size = "96x64" }, "png", 96, 64 },
        { "omnigen-v2 edit", () => new OmniGenV2EditRequest("add stars", [ImageInput.FromBytes(Png), ImageInput.FromBytes(Png)]) { Size = "64x64", OutputFormat = OutputFormat.Jpeg }, "jpeg", 64, 64 },
        { "gpt-image-2 generation", () => new GptImage2GenerationRequest("a poster") { Size = "128x72", Quality = GptImageQuality.Low, ResponseFormat = ResponseFormat.Base64Json }, "png", 128, 72 },
        { "gpt-image-2 edit with mask", () => new GptImage2EditRequest("new sky", [ImageInput.FromBytes(Png)]) { Mask = ImageInput.FromBytes(Png), Size = "32x32" }, "png", 32, 32 },
        { "flux.2-dev generation", () => new Flux2DevGenerationRequest("a bookstore") { AspectRatio = AspectRatio.Landscape16x9, OutputFormat = OutputFormat.Jpeg }, "jpeg", 256, 144 },
        { "flux.2-dev edit", () => new Flux2DevEditRequest("warmer light", [ImageInput.FromBytes(Png)]) { Size = "48x48" }, "png", 48, 48 },
        { "omnigen-v1 queue", () => new OmniGenV1Request("neon words") { Size = new ImageSize(80, 40), OutputFormat = OutputFormat.Png, Seed = 9_007_199_254_740_993 }, "png", 80, 40 },
        { "omnigen-v1 sync", () => new OmniGenV1Request("neon words") { Submit = new FalSubmitOptions { Mode = FalExecutionMode.Sync }, Size = ImageSize.Square }, "jpeg", 256, 256 },
        { "omni-image sync", () => new OmniImageRequest(OmniImageModel.Seedream45, "a cat") { Resolution = "1K", AspectRatio = "2:1" }, "png", 256, 128 },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Each_model_and_mode_returns_real_images_of_the_requested_size(string name, Func<ImageRequest> create, string format, int width, int height)
    {
        ImageClient client = fixture.Client();

        ImageGenerationResult result = await client.GenerateAsync(create());

        result.Images.Should().NotBeEmpty(name);
        (await ImageAssertions.DescribeAsync(result.Images[0])).Should().Be((format, width, height), name);
    }

    [Fact]
    public async Task An_inline_image_can_be_decoded_straight_into_a_file_and_a_url_image_streamed_into_any_stream()
    {
        ImageClient client = fixture.Client();
        string folder = Directory.CreateTempSubdirectory().FullName;

        ImageGenerationResult inline = await client.GenerateAsync(
            new Flux2DevGenerationRequest("a poster") { Size = "128x72", ImageCount = 2, ResponseFormat = ResponseFormat.Base64Json },
            new RequestOptions { InlineImageFile = i => Path.Combine(folder, $"poster-{i}.part") });
        ImageGenerationResult url = await client.GenerateAsync(new Flux2DevGenerationRequest("a bookstore") { Size = "48x48", ResponseFormat = ResponseFormat.Url });
        using var streamed = new MemoryStream();
        string? streamedType = await url.Images[0].CopyToAsync(streamed);

        inline.Images.Select(i => i.FilePath).Should().Equal(Path.Combine(folder, "poster-0.part"), Path.Combine(folder, "poster-1.part"));
        inline.Images.Should().OnlyContain(i => i.Data == null && i.Uri == null && i.MediaType == "image/png");
        ImageAssertions.Describe(await File.ReadAllBytesAsync(inline.Images[1].FilePath!)).Should().Be(("png", 128, 72));
        (await inline.Images[0].LoadAsync()).Bytes.ToArray().Should().Equal(await File.ReadAllBytesAsync(inline.Images[0].FilePath!));
        streamedType.Should().Be("image/png");
        streamed.ToArray().Should().Equal((await url.Images[0].LoadAsync()).Bytes.ToArray());
    }

    [Fact]
    public async Task Queued_seeds_keep_all_64_bits_and_downloads_carry_no_key()
    {
        ImageClient client = fixture.Client();

        ImageGenerationResult result = await client.GenerateAsync(new OmniGenV1Request("seeded") { Seed = 9_007_199_254_740_993 });
        await result.Images[0].OpenReadAsync();

        result.Seed.Should().Be(9_007_199_254_740_993);
        Emulator.Requests.Last(r => r.Path.StartsWith("/files/", StringComparison.Ordinal)).Authorization.Should().BeNull();
    }

    [Fact]
    public async Task Json_sent_to_the_edits_route_gets_the_real_400()
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Emulator.GatewayEndpoint + "/images/edits")
        {
            Content = new StringContent("""{"model":"gpt-image-2","prompt":"x"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "k");

        using HttpResponseMessage response = await http.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("INVALID_REQUEST").And.Contain("multipart");
    }

    [Fact]
    public async Task Models_schema_and_cost_estimates_work()
    {
        ImageClient client = fixture.Client();

        IReadOnlyList<ServiceModel> models = await client.ListModelsAsync();
        using var schema = await client.GetModelSchemaAsync("omnigen-v2");
        CostEstimate estimate = await client.EstimateCostAsync(new OmniGenV2GenerationRequest("x") { ImageCount = 3 });

        models.Select(m => m.Id).Should().BeEquivalentTo(["flux.2-dev", "gpt-image-2", "omnigen-v2"]);
        schema.RootElement.GetProperty("x-model").GetProperty("id").GetString().Should().Be("omnigen-v2");
        estimate.TotalCost.Should().Be(0.03m);
        await FluentActions.Awaiting(() => client.GetModelAsync("nope")).Should().ThrowAsync<LumenfallNotFoundException>();
    }

    [Fact]
    public async Task The_fal_queue_reports_positions_logs_and_completes()
    {
        ImageClient client = fixture.Client(o => o.Fal.IncludeLogs = true);
        var updates = new List<OperationUpdate>();

        ImageOperation operation = await client.StartAsync(new OmniGenV1Request("x"));
        await operation.WaitForCompletionAsync(new Collector(updates));

        updates.Select(u => u.Status).Should().ContainInOrder(ImageOperationStatus.Queued, ImageOperationStatus.InProgress, ImageOperationStatus.Succeeded);
        updates.Where(u => u.Status == ImageOperationStatus.Queued).Select(u => u.QueuePosition).Should().Contain(0);
        operation.Logs.Select(l => l.Message).Should().Equal("step 1/2", "step 2/2");
    }

    [Fact]
    public async Task The_fal_status_stream_drives_the_wait()
    {
        ImageClient client = fixture.Client(o => o.Fal.UseStatusStream = true);

        ImageOperation operation = await client.StartAsync(new OmniGenV1Request("streamed"));
        ImageGenerationResult result = await operation.WaitForCompletionAsync();

        result.Images.Should().NotBeEmpty();
        Emulator.Requests.Should().Contain(r => r.Path.EndsWith($"/requests/{operation.Id}/status/stream", StringComparison.Ordinal));
        Emulator.Requests.Should().NotContain(r => r.Path.EndsWith($"/requests/{operation.Id}/status", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_queued_job_resumes_from_its_token_in_a_fresh_client_and_cancel_reports_outcomes()
    {
        ImageOperation started = await fixture.Client().StartAsync(new OmniGenV1Request("resume me"));

        ImageOperation resumed = fixture.Client().ResumeOperation(started.RehydrationToken!);
        ImageGenerationResult result = await resumed.WaitForCompletionAsync();
        CancelOutcome late = await resumed.CancelAsync();
        ImageOperation fresh = await fixture.Client().StartAsync(new OmniGenV1Request("cancel me"));
        CancelOutcome early = await fresh.CancelAsync();

        result.RequestId.Should().Be(started.Id);
        late.Should().Be(CancelOutcome.AlreadyCompleted);
        early.Should().Be(CancelOutcome.CancellationRequested);
        await FluentActions.Awaiting(() => fresh.WaitForCompletionAsync()).Should().ThrowAsync<LumenfallOperationFailedException>()
            .Where(e => e.OperationId == fresh.Id && e.ErrorCode == "client_cancelled");
    }

    [Fact]
    public async Task Local_images_are_uploaded_to_emulated_fal_storage_first()
    {
        ImageClient client = fixture.Client();

        await client.GenerateAsync(new OmniGenV1Request("<img><|image_1|></img> in space") { Images = [ImageInput.FromBytes(Png, fileName: "cat.png")] });

        Emulator.Requests.Should().Contain(r => r.Path == "/fal-rest/storage/upload/initiate" && r.Authorization == "Key");
        Emulator.Requests.Should().Contain(r => r.Method == "PUT" && r.Path.StartsWith("/fal-storage/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_job_that_fails_raises_with_its_id_and_token()
    {
        Emulator.Faults.FailNextJob("CUDA out of memory");

        LumenfallOperationFailedException error = (await FluentActions.Awaiting(() => fixture.Client().GenerateAsync(new OmniGenV1Request("doomed")))
            .Should().ThrowAsync<LumenfallOperationFailedException>()).Which;

        error.Message.Should().Contain("CUDA out of memory");
        error.RehydrationToken.Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task Omnirouters_async_tasks_complete_fail_and_resume()
    {
        ImageClient client = fixture.Client();

        ImageOperation task = await client.StartAsync(new OmniImageRequest(OmniImageModel.Kling30Omni, "a cat") { ImageCount = 2 });
        ImageGenerationResult result = await fixture.Client().ResumeOperation(task.RehydrationToken!).WaitForCompletionAsync();
        Emulator.Faults.FailNextJob("upstream refused", "upstream_error");
        ImageOperation failing = await client.StartAsync(new OmniImageRequest(OmniImageModel.NanoBanana2, "x"));

        result.Images.Should().HaveCount(2);
        result.RequestId.Should().Be(task.Id);
        await FluentActions.Awaiting(() => failing.WaitForCompletionAsync()).Should().ThrowAsync<LumenfallOperationFailedException>()
            .Where(e => e.ErrorCode == "upstream_error" && e.OperationId == failing.Id);
    }

    private sealed class Collector(List<OperationUpdate> updates) : IProgress<OperationUpdate>
    {
        public void Report(OperationUpdate value) => updates.Add(value);
    }
}
