using System.Net;
using Lumenfall.Sdk.Tests.TestSupport;
using static Lumenfall.Sdk.Tests.TestSupport.ServiceHarness;

namespace Lumenfall.Sdk.Tests.Transports.OmniRouters;

/// <summary>Omni-Image on OmniRouters: every example from its page on the wire, async tasks on fake time, and failures.</summary>
public class OmniRoutersTransportTests
{
    private const string Base = "https://omnirouters.com/v1";
    private const string Generations = Base + "/images/generations";
    private const string TaskId = "task_01JXYZ";
    private const string Task = Generations + "/" + TaskId;
    private const string Prompt = "将图1的服装换为图2的服装,整体自然协调,时尚杂志风格";
    private static readonly string SyncResponse = $$"""
        { "created": 1750667997, "data": [ { "url": "", "b64_json": "{{TestImages.PngBase64}}", "revised_prompt": "" } ],
          "usage": { "total_tokens": 4169, "input_tokens": 9, "output_tokens": 4160 } }
        """;

    private static IList<ImageInput> TwoImages => [ImageInput.FromUrl("https://example.com/image1.png"), ImageInput.FromUrl("https://example.com/image2.png")];

    public static TheoryData<string, Func<OmniImageRequest>, string> SeedExamples => new()
    {
        {
            "text-to-image",
            () => new OmniImageRequest(OmniImageModel.NanoBanana2, "一个女孩在海边回头微笑,电影感光影,高清细节") { Resolution = "4K", AspectRatio = AspectRatio.Landscape16x9 },
            """{"model":"Nano-Banana2","prompt":"一个女孩在海边回头微笑,电影感光影,高清细节","resolution":"4K","aspect_ratio":"16:9"}"""
        },
        {
            "image-to-image",
            () => new OmniImageRequest(OmniImageModel.NanoBanana2, Prompt) { Resolution = "4K", Images = TwoImages, AspectRatio = "16:9" },
            $$"""{"model":"Nano-Banana2","prompt":"{{Prompt}}","resolution":"4K","aspect_ratio":"16:9","images":["https://example.com/image1.png","https://example.com/image2.png"]}"""
        },
        {
            "gpt image with quality",
            () => new OmniImageRequest(OmniImageModel.GptImage2, Prompt) { Quality = "low", Resolution = "4K", Images = TwoImages, AspectRatio = "16:9" },
            $$"""{"model":"GPT-image-2","prompt":"{{Prompt}}","resolution":"4K","aspect_ratio":"16:9","images":["https://example.com/image1.png","https://example.com/image2.png"],"quality":"low"}"""
        },
        {
            "gpt image n=3",
            () => new OmniImageRequest(OmniImageModel.GptImage2, Prompt) { Quality = "low", Resolution = "4K", Images = TwoImages, AspectRatio = "16:9", ImageCount = 3 },
            $$"""{"model":"GPT-image-2","prompt":"{{Prompt}}","resolution":"4K","aspect_ratio":"16:9","images":["https://example.com/image1.png","https://example.com/image2.png"],"quality":"low","n":3}"""
        },
        {
            "kling n=3",
            () => new OmniImageRequest(OmniImageModel.Kling30Omni, "一只小猫坐在窗边") { Resolution = "4K", AspectRatio = "16:9", ImageCount = 3 },
            """{"model":"Kling:3.0-omni","prompt":"一只小猫坐在窗边","resolution":"4K","aspect_ratio":"16:9","n":3}"""
        },
        {
            "seedream n=3",
            () => new OmniImageRequest(OmniImageModel.Seedream45, "一只小猫坐在窗边") { Resolution = "4K", ImageCount = 3 },
            """{"model":"Seedream:4.5","prompt":"一只小猫坐在窗边","resolution":"4K","n":3}"""
        },
        {
            "hunyuan panorama",
            () => new OmniImageRequest(OmniImageModel.Hunyuan3d20, "一个雪山湖泊的360度全景图,真实摄影风格"),
            """{"model":"Hunyuan-3d-2.0","prompt":"一个雪山湖泊的360度全景图,真实摄影风格"}"""
        },
        {
            "input region",
            () => new OmniImageRequest(OmniImageModel.NanoBanana2, Prompt) { Resolution = "4K", Images = TwoImages, AspectRatio = "16:9", InputRegion = OmniImageInputRegion.Mainland },
            $$"""{"model":"Nano-Banana2","prompt":"{{Prompt}}","resolution":"4K","aspect_ratio":"16:9","images":["https://example.com/image1.png","https://example.com/image2.png"],"input_region":"Mainland"}"""
        },
    };

    [Theory]
    [MemberData(nameof(SeedExamples))]
    public async Task Each_seed_example_is_sent_as_documented(string name, Func<OmniImageRequest> create, string expectedJson)
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Generations, SyncResponse);

        await harness.Client.GenerateAsync(create());

        CapturedRequest sent = harness.Requests.Single();
        sent.Uri.AbsoluteUri.Should().Be(Generations, name);
        sent.Authorization.Should().Be("Bearer " + OmniRoutersKey);
        sent.ContentType.Should().Be("application/json; charset=utf-8");
        System.Text.Json.Nodes.JsonNode.DeepEquals(sent.Json, System.Text.Json.Nodes.JsonNode.Parse(expectedJson)).Should().BeTrue($"{name}: sent {sent.Json.ToJsonString()}");
    }

    [Fact]
    public async Task A_sync_response_is_openai_like_with_empty_strings_absent()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Generations, SyncResponse);

        ImageGenerationResult result = await harness.Client.GenerateAsync(new OmniImageRequest(OmniImageModel.Seedream45, "x"));

        result.Service.Should().Be(ImageService.OmniRouters);
        result.Created.Should().Be(DateTimeOffset.FromUnixTimeSeconds(1750667997));
        result.Usage.Should().Be(new ImageUsage(9, 4160, 4169));
        GeneratedImage image = result.Images.Single();
        image.Uri.Should().BeNull();
        image.RevisedPrompt.Should().BeNull();
        image.Data!.Value.ToArray().Should().Equal(TestImages.Png);
    }

    [Fact]
    public async Task An_async_task_is_created_then_polled_every_five_seconds_until_completed()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Generations, $$"""{ "task_id": "{{TaskId}}", "status": "queued" }""");
        harness.RespondSequence(HttpMethod.Get, Task,
            new Reply($$"""{ "task_id": "{{TaskId}}", "status": "queued" }"""),
            new Reply($$"""{ "task_id": "{{TaskId}}", "status": "IN_PROGRESS" }"""),
            new Reply($$"""{ "task_id": "{{TaskId}}", "status": "Completed", "data": [ { "url": "https://cdn.omnirouters.example/a.png", "b64_json": "", "revised_prompt": "" }, { "url": "https://cdn.omnirouters.example/b.png", "b64_json": "", "revised_prompt": "" } ] }"""));
        var updates = new List<ImageOperationStatus>();

        ImageOperation operation = await harness.Client.StartAsync(new OmniImageRequest(OmniImageModel.Kling30Omni, "x") { ImageCount = 2 });
        Task<ImageGenerationResult> wait = operation.WaitForCompletionAsync(new Progress<ImageOperationStatus>(updates.Add).Adapt());
        var intervals = new List<TimeSpan>();
        for (int poll = 0; poll < 3; poll++)
        {
            intervals.Add(await harness.Time.AdvanceToNextTimerAsync(TimeSpan.FromSeconds(10)));
        }

        ImageGenerationResult result = await wait;

        harness.Requests[0].Uri.Query.Should().Be("?async=true");
        harness.Requests[0].Json["model"]!.GetValue<string>().Should().Be("Kling:3.0-omni");
        intervals.Should().OnlyContain(i => i == TimeSpan.FromSeconds(5));
        harness.To(Task).Should().HaveCount(3).And.OnlyContain(r => r.Authorization == "Bearer " + OmniRoutersKey);
        result.RequestId.Should().Be(TaskId);
        result.Images.Select(i => i.Uri!.AbsoluteUri).Should().Equal("https://cdn.omnirouters.example/a.png", "https://cdn.omnirouters.example/b.png");
        operation.Status.Should().Be(ImageOperationStatus.Succeeded);
    }

    [Fact]
    public async Task Generate_can_use_async_tasks_and_any_status_text_is_tolerated()
    {
        var harness = new ServiceHarness(o => o.OmniRouters.UseAsyncTasks = true);
        harness.Respond(HttpMethod.Post, Generations, $$"""{ "task_id": "{{TaskId}}" }""");
        harness.RespondSequence(HttpMethod.Get, Task,
            new Reply($$"""{ "task_id": "{{TaskId}}", "status": "warming" }"""),
            new Reply($$"""{ "task_id": "{{TaskId}}", "status": "COMPLETED", "data": [ { "url": "https://cdn.omnirouters.example/a.png" } ] }"""));

        Task<ImageGenerationResult> run = harness.Client.GenerateAsync(new OmniImageRequest(OmniImageModel.Hunyuan3d20, "x"));
        await harness.Time.AdvanceToNextTimerAsync(TimeSpan.FromSeconds(10));
        await harness.Time.AdvanceToNextTimerAsync(TimeSpan.FromSeconds(10));

        (await run).Images.Should().ContainSingle();
    }

    [Fact]
    public async Task A_failed_task_raises_operation_failed_with_the_task_id_and_the_error()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Generations, $$"""{ "task_id": "{{TaskId}}", "status": "queued" }""");
        harness.RespondSequence(HttpMethod.Get, Task,
            new Reply($$"""{ "task_id": "{{TaskId}}", "status": "failed", "error": { "code": "upstream_rejected", "message": "prompt rejected by the upstream model" } }"""));

        ImageOperation operation = await harness.Client.StartAsync(new OmniImageRequest(OmniImageModel.NanoBanana2, "x"));
        Task<ImageGenerationResult> wait = operation.WaitForCompletionAsync();
        await harness.Time.AdvanceToNextTimerAsync(TimeSpan.FromSeconds(10));

        LumenfallOperationFailedException error = (await FluentActions.Awaiting(() => wait).Should().ThrowAsync<LumenfallOperationFailedException>()).Which;
        error.OperationId.Should().Be(TaskId);
        error.ErrorCode.Should().Be("upstream_rejected");
        error.Message.Should().Contain("prompt rejected by the upstream model");
        error.RehydrationToken.Should().Be(operation.RehydrationToken);
    }

    [Fact]
    public async Task A_task_resumes_from_its_token_in_a_fresh_client()
    {
        var first = new ServiceHarness();
        first.Respond(HttpMethod.Post, Generations, $$"""{ "task_id": "{{TaskId}}", "status": "queued" }""");
        string token = (await first.Client.StartAsync(new OmniImageRequest(OmniImageModel.Seedream45, "x"))).RehydrationToken!;
        var second = new ServiceHarness();
        second.RespondSequence(HttpMethod.Get, Task, new Reply($$"""{ "task_id": "{{TaskId}}", "status": "completed", "data": [ { "url": "https://cdn.omnirouters.example/a.png" } ] }"""));

        ImageOperation resumed = second.Client.ResumeOperation(token);
        ImageGenerationResult result = await resumed.WaitForCompletionAsync();

        (resumed.Id, resumed.Service, resumed.ModelId).Should().Be((TaskId, ImageService.OmniRouters, "omni-image"));
        result.Images.Should().ContainSingle();
        second.Requests.Should().ContainSingle("a resumed task is looked up at once, and its lookup carries the images");
    }

    [Fact]
    public async Task An_unknown_task_is_a_clear_not_found()
    {
        var harness = new ServiceHarness();
        harness.RespondSequence(HttpMethod.Get, Task, new Reply("""{ "code": "task_not_exist", "message": "task_not_exist", "data": null }""", HttpStatusCode.BadRequest));
        string token = await StartedTaskTokenAsync();

        LumenfallNotFoundException error = (await FluentActions.Awaiting(() => harness.Client.ResumeOperation(token).UpdateStatusAsync())
            .Should().ThrowAsync<LumenfallNotFoundException>()).Which;

        error.ErrorCode.Should().Be("task_not_exist");
        error.OperationId.Should().Be(TaskId);
    }

    [Fact]
    public async Task Creation_errors_use_the_error_envelope()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Generations, """{ "error": { "message": "model Foo not supported", "type": "new_api_error", "param": "model", "code": "invalid_parameter" } }""", HttpStatusCode.BadRequest);

        LumenfallException error = (await FluentActions.Awaiting(() => harness.Client.GenerateAsync(new OmniImageRequest("Foo", "x")))
            .Should().ThrowAsync<LumenfallException>()).Which;

        error.Should().BeOfType<LumenfallBadRequestException>().Which.ParameterName.Should().Be("model");
        (error.ErrorCode, error.ErrorType, error.Service).Should().Be(("invalid_parameter", "new_api_error", ImageService.OmniRouters));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_429_is_a_rate_limit_on_create_and_on_lookup(bool onLookup)
    {
        var harness = new ServiceHarness();
        const string Saturated = """{ "code": "rate_limit", "message": "上游负载已饱和，请稍后再试", "data": null }""";
        if (onLookup)
        {
            harness.Respond(HttpMethod.Post, Generations, $$"""{ "task_id": "{{TaskId}}", "status": "queued" }""");
            harness.RespondSequence(HttpMethod.Get, Task, new Reply(Saturated, HttpStatusCode.TooManyRequests, ("Retry-After", "10")));
        }
        else
        {
            harness.Respond(HttpMethod.Post, Generations, """{ "error": { "message": "rate limited", "code": "rate_limit" } }""", HttpStatusCode.TooManyRequests, ("Retry-After", "10"));
        }

        Func<Task> call = onLookup
            ? async () => await (await harness.Client.StartAsync(new OmniImageRequest(OmniImageModel.NanoBanana2, "x"))).UpdateStatusAsync()
            : () => harness.Client.GenerateAsync(new OmniImageRequest(OmniImageModel.NanoBanana2, "x"));

        LumenfallRateLimitException error = (await call.Should().ThrowAsync<LumenfallRateLimitException>()).Which;
        error.RetryAfter.Should().Be(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Local_images_are_refused_with_a_message_asking_for_urls()
    {
        var harness = new ServiceHarness();
        var request = new OmniImageRequest(OmniImageModel.NanoBanana2, "x") { Images = [ImageInput.FromUrl("https://example.com/a.png"), ImageInput.FromFile("local.png")] };

        LumenfallValidationException error = (await FluentActions.Awaiting(() => harness.Client.GenerateAsync(request))
            .Should().ThrowAsync<LumenfallValidationException>()).Which;

        (error.ParameterName, error.Rule).Should().Be(("images[1]", ValidationRule.UrlRequired));
        error.Message.Should().Contain("URL");
        harness.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Cancel_is_not_offered_by_omnirouters()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Generations, $$"""{ "task_id": "{{TaskId}}", "status": "queued" }""");
        ImageOperation operation = await harness.Client.StartAsync(new OmniImageRequest(OmniImageModel.NanoBanana2, "x"));

        (await operation.CancelAsync()).Should().Be(CancelOutcome.NotSupported);
        harness.Requests.Should().ContainSingle("nothing is sent for a cancel the service cannot do");
    }

    private static async Task<string> StartedTaskTokenAsync()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Generations, $$"""{ "task_id": "{{TaskId}}" }""");
        return (await harness.Client.StartAsync(new OmniImageRequest(OmniImageModel.NanoBanana2, "x"))).RehydrationToken!;
    }
}

/// <summary>Adapts a status-only progress to the operation's update type.</summary>
internal static class ProgressExtensions
{
    public static IProgress<OperationUpdate> Adapt(this IProgress<ImageOperationStatus> inner) => new Adapter(inner);

    private sealed class Adapter(IProgress<ImageOperationStatus> inner) : IProgress<OperationUpdate>
    {
        public void Report(OperationUpdate value) => inner.Report(value.Status);
    }
}
