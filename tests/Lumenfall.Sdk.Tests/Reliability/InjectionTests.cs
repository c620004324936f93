using System.Text.Json.Nodes;
using Lumenfall.Sdk.Tests.TestSupport;
using static Lumenfall.Sdk.Tests.TestSupport.ServiceHarness;

namespace Lumenfall.Sdk.Tests.Reliability;

/// <summary>Nothing a caller sets can add a header line, change a path or send what validation should stop.</summary>
public class InjectionTests
{
    private static async Task<LumenfallValidationException> RefusedAsync(ServiceHarness harness, ImageRequest request)
    {
        LumenfallValidationException error = (await FluentActions.Awaiting(() => harness.Client.StartAsync(request))
            .Should().ThrowAsync<LumenfallValidationException>()).Which;
        harness.Requests.Should().BeEmpty("nothing is sent");
        return error;
    }

    [Theory]
    [InlineData("a\r\nX-Injected: 1")]
    [InlineData("a\nb")]
    [InlineData("tab\there")]
    [InlineData("nul\0")]
    public async Task A_runner_hint_with_control_characters_is_refused_naming_the_header(string hint)
    {
        var harness = new ServiceHarness();

        LumenfallValidationException error = await RefusedAsync(harness, new OmniGenV1Request("x") { Submit = new FalSubmitOptions { RunnerHint = hint } });

        (error.ParameterName, error.Rule).Should().Be(("x-fal-runner-hint", ValidationRule.HeaderValue));
    }

    [Fact]
    public async Task A_priority_with_a_line_break_is_refused()
    {
        var harness = new ServiceHarness();

        LumenfallValidationException error = await RefusedAsync(harness, new OmniGenV1Request("x") { Submit = new FalSubmitOptions { Priority = "low\r\nX-Injected: 1" } });

        error.Errors.Select(e => e.ParameterName).Should().Contain("x-fal-queue-priority");
    }

    [Theory]
    [InlineData("../../admin")]
    [InlineData("%2E%2E/%2e%2e/admin")]
    [InlineData("gpt-image-2/..")]
    [InlineData("a//b")]
    [InlineData("bad\r\nid")]
    public async Task A_model_id_that_could_change_the_path_is_refused_before_sending(string modelId)
    {
        var harness = new ServiceHarness();

        await FluentActions.Awaiting(() => harness.Client.GetModelAsync(modelId)).Should().ThrowAsync<ArgumentException>().WithParameterName(nameof(modelId));
        await FluentActions.Awaiting(() => harness.Client.GetModelSchemaAsync(modelId)).Should().ThrowAsync<ArgumentException>();
        harness.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task A_model_id_with_a_slash_is_escaped_segment_by_segment()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Get, LumenfallBase + "/models/fal/omni%20gen", """{"id":"fal/omni gen"}""");

        ServiceModel model = await harness.Client.GetModelAsync("fal/omni gen");

        model.Id.Should().Be("fal/omni gen");
    }

    [Fact]
    public async Task A_server_task_id_that_could_change_the_path_is_refused()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, "https://omnirouters.com/v1/images/generations", """{"task_id":"..","status":"queued"}""");

        LumenfallUnexpectedResponseException error = (await FluentActions.Awaiting(() => harness.Client.StartAsync(new OmniImageRequest(OmniImageModel.NanoBanana2, "x")))
            .Should().ThrowExactlyAsync<LumenfallUnexpectedResponseException>()).Which;

        error.Field.Should().Be("task_id");
    }

    private static string Token(string json) =>
        "lmfop1." + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [Theory]
    [InlineData("fal-ai/omnigen-v1", "..")]
    [InlineData("fal-ai/../../storage", "r1")]
    public void A_token_whose_ids_could_steer_requests_is_refused_naming_the_parameter(string model, string id)
    {
        var harness = new ServiceHarness();
        string token = Token($$"""{"service":"Fal","model":"{{model}}","id":"{{id}}"}""");

        FluentActions.Invoking(() => harness.Client.ResumeOperation(token)).Should().Throw<ArgumentException>().WithParameterName("rehydrationToken");
        FluentActions.Invoking(() => harness.Client.ResumeOperation("garbage")).Should().Throw<ArgumentException>().WithParameterName("rehydrationToken");
    }

    [Theory]
    [InlineData("https://evil.example/steal")]
    [InlineData("https://queue.fal.run/other-owner/other-app/requests/x/status")]
    [InlineData("http://queue.fal.run/fal-ai/omnigen-v1/requests/r1/status")]
    public async Task A_token_that_names_urls_cannot_aim_a_keyed_request_anywhere_but_the_url_the_sdk_builds(string url)
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Get, "https://queue.fal.run/fal-ai/omnigen-v1/requests/r1/status", """{"status":"IN_PROGRESS"}""");
        string token = Token($$"""{"service":"Fal","model":"fal-ai/omnigen-v1","id":"r1","status_url":"{{url}}","response_url":"{{url}}","cancel_url":"{{url}}"}""");

        await harness.Client.ResumeOperation(token).UpdateStatusAsync();

        CapturedRequest poll = harness.Requests.Should().ContainSingle().Which;
        poll.Uri.GetLeftPart(UriPartial.Path).Should().Be("https://queue.fal.run/fal-ai/omnigen-v1/requests/r1/status");
        poll.Headers["Authorization"].Should().Be("Key " + FalKey);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public async Task A_number_that_is_not_finite_is_refused_naming_it(double value)
    {
        var harness = new ServiceHarness();

        LumenfallValidationException bounded = await RefusedAsync(harness, new OmniGenV1Request("x") { GuidanceScale = value });
        LumenfallValidationException unbounded = await RefusedAsync(harness, new Flux2DevGenerationRequest("x") { CfgScale = value });

        (bounded.ParameterName, bounded.Rule).Should().Be(("guidance_scale", ValidationRule.Finite));
        (unbounded.ParameterName, unbounded.Rule).Should().Be(("cfg_scale", ValidationRule.Finite));
    }

    [Fact]
    public async Task A_number_that_is_not_finite_in_additional_properties_is_refused()
    {
        var harness = new ServiceHarness();
        var request = new Flux2DevGenerationRequest("x");
        request.AdditionalProperties["extra"] = new JsonObject { ["weights"] = new JsonArray(1.0, double.NaN) };

        LumenfallValidationException error = await RefusedAsync(harness, request);

        (error.ParameterName, error.Rule).Should().Be(("extra.weights[1]", ValidationRule.Finite));
    }

    [Theory]
    [InlineData("image", ValidationRule.ReservedParameter)]
    [InlineData("image[]", ValidationRule.ReservedParameter)]
    [InlineData("mask", ValidationRule.ReservedParameter)]
    [InlineData("model", ValidationRule.ReservedParameter)]
    [InlineData("prompt", ValidationRule.DuplicateParameter)]
    public async Task Additional_properties_cannot_carry_an_image_or_a_typed_wire_name(string key, string rule)
    {
        var harness = new ServiceHarness();
        var request = new GptImage2EditRequest("x", [ImageInput.FromBytes(TestImages.Png)]);
        request.AdditionalProperties[key] = "https://evil.example.com/a.png";

        LumenfallValidationException error = await RefusedAsync(harness, request);

        (error.ParameterName, error.Rule).Should().Be((key, rule));
    }

    [Fact]
    public async Task A_declared_media_type_that_the_bytes_contradict_is_refused()
    {
        var harness = new ServiceHarness();
        byte[] bmp = [(byte)'B', (byte)'M', 0x3A, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0];

        LumenfallValidationException error = await RefusedAsync(harness, new GptImage2EditRequest("x", [ImageInput.FromBytes(bmp, "image/png")]));

        (error.ParameterName, error.Rule).Should().Be(("image[0]", ValidationRule.MediaType));
        error.Message.Should().Contain("image/bmp");
    }

    [Fact]
    public async Task A_declared_media_type_that_a_files_bytes_contradict_is_refused_before_sending()
    {
        var harness = new ServiceHarness();
        string path = Path.Combine(Directory.CreateTempSubdirectory().FullName, "photo.bin");
        await File.WriteAllBytesAsync(path, TestImages.Jpeg);

        LumenfallValidationException error = await RefusedAsync(harness, new GptImage2EditRequest("x", [ImageInput.FromFile(path, "image/png")]));

        error.Rule.Should().Be(ValidationRule.MediaType);
    }

    [Fact]
    public async Task A_data_uri_is_refused_where_the_service_reads_only_http_urls()
    {
        var harness = new ServiceHarness();

        LumenfallValidationException error = await RefusedAsync(harness,
            new OmniImageRequest(OmniImageModel.NanoBanana2, "x") { Images = [ImageInput.FromUrl("data:image/png;base64," + TestImages.PngBase64)] });

        (error.ParameterName, error.Rule).Should().Be(("images[0]", ValidationRule.UrlRequired));
    }

    [Theory]
    [InlineData("operation")]
    [InlineData("interval")]
    [InlineData("backoff")]
    [InlineData("timeout")]
    [InlineData("retry-after")]
    public void Unusable_options_fail_when_the_client_is_built(string which)
    {
        var options = new LumenfallOptions();
        switch (which)
        {
            case "operation": options.Fal.Polling.OperationTimeout = TimeSpan.FromDays(100); break;
            case "interval": options.OmniRouters.Polling.MaxInterval = TimeSpan.MaxValue; break;
            case "backoff": options.Fal.Polling.BackoffMultiplier = double.NaN; break;
            case "timeout": options.Gateway.RequestTimeout = TimeSpan.FromDays(60); break;
            default: options.Fal.Retry.MaxRetryAfter = TimeSpan.MaxValue; break;
        }

        FluentActions.Invoking(() => new ImageClient(options, new HttpClientHandler())).Should().Throw<ArgumentException>().WithMessage("*Lumenfall:*");
    }
}
