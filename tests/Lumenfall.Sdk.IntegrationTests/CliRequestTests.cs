using System.Text.Json.Nodes;
using Lumenfall.Cli;
using Lumenfall.Sdk.Testing;

namespace Lumenfall.Sdk.IntegrationTests;

/// <summary>What the CLI builds from its words: typed records for the models the SDK ships, untyped requests for any other.</summary>
public sealed class CliRequestTests : IAsyncLifetime
{
    private LumenfallEmulator _emulator = null!;

    public async Task InitializeAsync() => _emulator = await LumenfallEmulator.StartAsync(new EmulatorOptions { MaxSide = 64, QueuedPolls = 0, RunningPolls = 0 });

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public void A_fal_app_id_builds_a_fal_app_request_with_json_parameters()
    {
        ImageRequest request = RequestBuilder.Build("fal-ai/flux/dev", "a fox", ["https://example.com/a.png"], null,
            ["guidance_scale=5", "enable_safety_checker=false", "loras=[{\"path\":\"x\"}]", "acceleration=high"]);

        FalAppRequest fal = request.Should().BeOfType<FalAppRequest>().Which;
        fal.ModelId.Should().Be("fal-ai/flux/dev");
        fal.Input.ToJsonString().Should().Be("""{"prompt":"a fox","guidance_scale":5,"enable_safety_checker":false,"loras":[{"path":"x"}],"acceleration":"high"}""");
    }

    [Fact]
    public void Any_other_id_builds_a_gateway_request_with_json_parameters()
    {
        ImageRequest request = RequestBuilder.Build("seedream-4", "a fox", [], null, ["n=2", "size=2048x2048"]);

        LumenfallModelRequest gateway = request.Should().BeOfType<LumenfallModelRequest>().Which;
        (gateway.ModelId, gateway.Prompt).Should().Be(("seedream-4", "a fox"));
        gateway.AdditionalProperties.ToJsonString().Should().Be("""{"n":2,"size":"2048x2048"}""");
    }

    [Fact]
    public void A_typed_parameter_is_converted_to_its_type()
    {
        ImageRequest request = RequestBuilder.Build("omnigen-v1", "a fox", [], null, ["guidance_scale=5"]);

        request.Should().BeOfType<OmniGenV1Request>().Which.GuidanceScale.Should().Be(5.0);
    }

    [Fact]
    public void Digits_for_a_text_parameter_are_sent_as_text_and_a_mask_goes_to_the_edit()
    {
        string image = Path.Combine(Directory.CreateTempSubdirectory().FullName, "in.png");
        File.WriteAllBytes(image, EmulatorImages.Png(4, 4, 1));

        ImageRequest request = RequestBuilder.Build("gpt-image-2", "a fox", [image], image, ["user=123", "n=1"]);

        GptImage2EditRequest edit = request.Should().BeOfType<GptImage2EditRequest>().Which;
        (edit.User, edit.ImageCount, edit.Images.Count, edit.Mask is not null).Should().Be(("123", 1, 1, true));
    }

    [Fact]
    public void A_value_that_fits_neither_way_is_refused_by_name()
    {
        Action act = () => RequestBuilder.Build("flux.2-dev", "a fox", [], null, ["n=many"]);

        act.Should().Throw<CliUsageException>().WithMessage("--param n=many: n takes a whole number; 'many' is not one.");
    }

    [Fact]
    public async Task Strict_validation_refuses_an_unlisted_value_and_says_lenient_would_send_it()
    {
        CliRun run = await RunAsync("generate", "--model", "gpt-image-2", "--prompt", "x", "--param", "quality=auto");

        run.Code.Should().Be(CliApp.BadInput);
        run.ErrorLines.Should().ContainSingle().Which.Should().Contain("quality").And.Contain("--validation lenient would send it as given").And.NotContain("ValidationLevel");
        _emulator.Requests.Should().NotContain(r => r.Method == "POST");
    }

    [Fact]
    public async Task Lenient_validation_sends_an_unlisted_value()
    {
        string folder = Directory.CreateTempSubdirectory().FullName;

        CliRun run = await RunAsync("generate", "--model", "gpt-image-2", "--prompt", "x", "--param", "quality=auto", "--validation", "lenient", "--output", folder);

        run.Code.Should().Be(CliApp.Ok, run.Error);
        _emulator.Requests.Should().ContainSingle(r => r.Method == "POST" && r.Path.EndsWith("/images/generations", StringComparison.Ordinal));
        Directory.GetFiles(folder).Should().ContainSingle();
    }

    [Fact]
    public async Task An_unknown_validation_level_is_bad_input()
    {
        CliRun run = await RunAsync("generate", "--model", "gpt-image-2", "--prompt", "x", "--validation", "loose");

        run.Code.Should().Be(CliApp.BadInput);
        run.ErrorLines.Should().ContainSingle().Which.Should().Be("error: Argument 'loose' not recognized. Must be one of: 'strict' 'lenient' 'none'. Run 'lumenfall generate --help'.");
    }

    private Task<CliRun> RunAsync(params string[] args)
    {
        IReadOnlyDictionary<string, string> variables = _emulator.EnvironmentVariables();
        return CliRun.InProcessAsync(name => variables.GetValueOrDefault(name), CancellationToken.None, args);
    }
}
