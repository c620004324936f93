using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Lumenfall.Sdk.Testing;

namespace Lumenfall.Sdk.IntegrationTests;

/// <summary>The <c>lumenfall</c> CLI run as a separate process, with no keys, so it uses its built-in emulator.</summary>
public class CliProcessTests
{
    private static readonly string CliDll = SampleOutput.Dll("Lumenfall.Cli", "Lumenfall.Cli");

    private static ProcessStartInfo Start(params string[] args) => Start(new Dictionary<string, string>(), args);

    private static ProcessStartInfo Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(CliDll);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (string variable in CliProcess.Variables)
        {
            start.Environment.Remove(variable);
        }

        foreach ((string name, string value) in environment)
        {
            start.Environment[name] = value;
        }

        return start;
    }

    private static Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string>(), args);

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using Process process = Process.Start(Start(environment, args))!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await output, await error);
    }

    [Fact]
    public async Task Generate_without_a_key_uses_the_emulator_says_so_and_writes_the_image()
    {
        string folder = Directory.CreateTempSubdirectory().FullName;
        string target = Path.Combine(folder, "capybara.png");

        (int code, string output, string error) = await RunAsync("generate", "--model", "flux.2-dev", "--prompt", "a capybara reading in a sunlit bookstore",
            "--param", "size=64x48", "--output", target, "--json");

        code.Should().Be(0, error);
        error.Should().Contain("No LUMENFALL_API_KEY is set: using the built-in offline emulator");
        using JsonDocument json = JsonDocument.Parse(output);
        json.RootElement.GetProperty("files")[0].GetString().Should().Be(target);
        json.RootElement.GetProperty("model").GetString().Should().Be("flux.2-dev");
        json.RootElement.GetProperty("emulated").GetBoolean().Should().BeTrue();
        ImageAssertions.Describe(await File.ReadAllBytesAsync(target)).Should().Be(("png", 64, 48));
    }

    [Fact]
    public async Task Generate_on_the_fal_queue_shows_progress_and_the_seed()
    {
        string folder = Directory.CreateTempSubdirectory().FullName;

        (int code, string output, string error) = await RunAsync("generate", "--model", "omnigen-v1", "--prompt", "neon words", "--param", "image_size=square", "--output", folder, "--json");

        code.Should().Be(0, error);
        error.Should().Contain("Queued, position").And.Contain("Succeeded");
        error.Should().NotContain("lmfop1.", "the built-in emulator ends with the command, so a resume command could not work");
        JsonDocument.Parse(output).RootElement.GetProperty("seed").GetInt64().Should().BePositive();
        Directory.GetFiles(folder).Should().ContainSingle(f => f.EndsWith(".jpg", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(2, "generate", "--model", "gpt-image-2", "--prompt", "x", "--param", "n=5")]
    [InlineData(2, "generate", "--model", "fal-ai/../storage", "--prompt", "x")]
    [InlineData(2, "generate", "--model", "flux.2-dev")]
    [InlineData(2, "frobnicate")]
    public async Task Bad_input_exits_with_code_2_and_a_message(int expected, params string[] args)
    {
        (int code, _, string error) = await RunAsync(args);

        code.Should().Be(expected);
        error.Should().StartWith("error: ");
    }

    [Theory]
    [InlineData("error: unknown option --bogus-flag (did you mean ", "generate", "--model", "flux.2-dev", "--prompt", "x", "--bogus-flag")]
    [InlineData("error: unknown option --modle (did you mean --model?)", "generate", "--modle", "flux.2-dev", "--prompt", "x")]
    [InlineData("error: unknown command 'genrate' (did you mean generate?)", "genrate")]
    [InlineData("error: Option '--model' expects a single argument but 2 were provided", "generate", "--model", "flux.2-dev", "--model", "gpt-image-2", "--prompt", "x")]
    [InlineData("error: --param size is given twice ('64x64' and '32x32'); give it once.", "generate", "--model", "flux.2-dev", "--prompt", "x", "--param", "size=64x64", "--param", "size=32x32")]
    [InlineData("error: --param seed=abc: seed takes a whole number; 'abc' is not one.", "generate", "--model", "flux.2-dev", "--prompt", "x", "--param", "seed=abc")]
    [InlineData("error: Argument 'sloppy' not recognized. Must be one of: 'strict' 'lenient' 'none'", "generate", "--model", "flux.2-dev", "--prompt", "x", "--validation", "sloppy")]
    [InlineData("--validation lenient would send it as given", "generate", "--model", "flux.2-dev", "--prompt", "x", "--param", "n=99")]
    public async Task A_usage_error_is_one_line_in_the_clis_own_words_and_exit_code_2(string expected, params string[] args)
    {
        (int code, string output, string error) = await RunAsync(args);

        code.Should().Be(2, error);
        error.TrimEnd('\n').Split('\n').Should().ContainSingle().Which.Should().Contain(expected).And.NotContain("ValidationLevel").And.NotContain("System.");
        output.Should().BeEmpty();
    }

    [Fact]
    public async Task A_paid_image_is_never_lost_an_unwritable_output_is_refused_before_billing_and_a_failed_save_is_kept()
    {
        await using LumenfallEmulator service = await LumenfallEmulator.StartAsync(new EmulatorOptions { QueuedPolls = 0, RunningPolls = 0 });
        var environment = service.EnvironmentVariables().ToDictionary(v => v.Key, v => v.Value);
        string folder = Directory.CreateTempSubdirectory().FullName;
        string existing = Path.Combine(folder, "poster.png");
        await File.WriteAllTextAsync(existing, "an earlier poster");
        Directory.CreateDirectory(Path.Combine(folder, "fox.jpg"));   // OmniGen v1 answers with a JPEG: fox.png becomes fox.jpg, where a folder sits

        (int refused, _, string refusal) = await RunAsync(environment, "generate", "--model", "flux.2-dev", "--prompt", "x", "--output", existing);
        int billedBefore = service.Requests.Count(r => r.Method == "POST");
        (int failed, string output, string failure) = await RunAsync(environment, "generate", "--model", "omnigen-v1", "--prompt", "x", "--output", Path.Combine(folder, "fox.png"));

        (refused, billedBefore).Should().Be((2, 0), refusal);
        refusal.Trim().Should().Be($"error: --output {existing} already exists; add --overwrite to replace it.");
        failed.Should().Be(3, failure);
        string error = failure.Split('\n').Single(l => l.StartsWith("error: ", StringComparison.Ordinal));
        string kept = System.Text.RegularExpressions.Regex.Match(error, @"it is safe in (\S+\.jpg) \(and from http://127\.0\.0\.1:\d+/").Groups[1].Value;
        ImageAssertions.Describe(await File.ReadAllBytesAsync(kept)).Format.Should().Be("jpeg", error);
        output.Should().BeEmpty();
    }

    [Fact]
    public async Task Version_help_and_completion_come_from_system_commandline()
    {
        (int versionCode, string version, _) = await RunAsync("--version");
        (int helpCode, string help, _) = await RunAsync("--help");
        (int generateCode, string generateHelp, _) = await RunAsync("generate", "--help");
        (int suggestCode, string suggestions, _) = await RunAsync("[suggest:13]", "generate --mo");

        (versionCode, helpCode, generateCode, suggestCode).Should().Be((0, 0, 0, 0));
        version.Trim().Should().Be(typeof(Lumenfall.Cli.CliApp).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .Cast<System.Reflection.AssemblyInformationalVersionAttribute>().Single().InformationalVersion.Split('+')[0]);
        help.Should().Contain("generate").And.Contain("operation").And.Contain("emulator").And.Contain("Exit codes");
        foreach (string variable in CliProcess.Variables)
        {
            help.Should().Contain(variable, "--help lists every environment variable the CLI reads");
        }

        generateHelp.Should().Contain("--async").And.Contain("resumed with 'lumenfall operation wait'").And.Contain("--overwrite");
        suggestions.Split('\n', StringSplitOptions.TrimEntries).Should().Contain("--model");
    }

    [Fact]
    public async Task Fals_openapi_example_as_the_submit_reply_ends_in_one_error_line_and_exit_code_3()
    {
        // fal's published OpenAPI example of a submit reply: an id, and placeholders where the URLs belong.
        await using LumenfallEmulator fal = await LumenfallEmulator.StartAsync();
        fal.Faults.Add(new EmulatorFault
        {
            Method = "POST",
            PathContains = "/fal-queue/",
            StatusCode = HttpStatusCode.OK,
            Body = """{"request_id":"r1","status_url":"string","response_url":"string","cancel_url":"string","status":"IN_QUEUE"}""",
        });
        var environment = new Dictionary<string, string>
        {
            ["FAL_KEY"] = "test-key",
            ["FAL_QUEUE_BASE_URL"] = fal.FalQueueEndpoint.AbsoluteUri,
            ["FAL_RUN_BASE_URL"] = fal.FalRunEndpoint.AbsoluteUri,
        };

        (int code, string output, string error) = await RunAsync(environment, "generate", "--model", "omnigen-v1", "--prompt", "neon words", "--output", Directory.CreateTempSubdirectory().FullName);

        code.Should().Be(3, error);
        string[] lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().ContainSingle(l => l.StartsWith("error: ", StringComparison.Ordinal), error);
        lines.Should().NotContain(l => l.StartsWith("   at ", StringComparison.Ordinal), "a failure is reported, not dumped: {0}", error);
        error.Should().NotContain("Unhandled exception").And.Contain("r1");
        output.Should().BeEmpty();
        fal.Requests.Should().ContainSingle(r => r.Method == "POST" && r.Path == "/fal-queue/fal-ai/omnigen-v1", "the CLI submitted once and never again");
    }

    [Fact]
    public async Task With_verbose_a_failure_shows_its_type_ids_and_stack()
    {
        (int code, _, string error) = await RunAsync(new Dictionary<string, string> { ["LUMENFALL_BASE_URL"] = "not a url" }, "models", "--verbose");

        code.Should().Be(2, error);
        error.Should().StartWith("error: LUMENFALL_BASE_URL must be an absolute URL").And.Contain("System.ArgumentException").And.Contain("   at ");
    }

    [Fact]
    public async Task Models_lists_the_gateway_models_and_the_other_services()
    {
        (int code, string output, string error) = await RunAsync("models");

        code.Should().Be(0, error);
        output.Should().Contain("gpt-image-2\tlumenfall").And.Contain("fal-ai/omnigen-v1\tfal").And.Contain("omnirouters/<model>\tomnirouters");
    }

    [Fact]
    public async Task Schema_prints_the_models_json_schema()
    {
        (int code, string output, string error) = await RunAsync("schema", "omnigen-v2");

        code.Should().Be(0, error);
        JsonDocument.Parse(output).RootElement.GetProperty("x-model").GetProperty("id").GetString().Should().Be("omnigen-v2");
    }

    [Fact]
    public async Task The_emulator_command_serves_until_stopped()
    {
        using Process process = Process.Start(Start("emulator", "--port", "0"))!;
        try
        {
            string first = (await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(1)))!;
            first.Should().StartWith("Lumenfall emulator listening on http://127.0.0.1:");
            var address = new Uri(first[first.IndexOf("http", StringComparison.Ordinal)..]);
            using var http = new HttpClient();
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(address, "lumenfall/openai/v1/models"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "any");

            using HttpResponseMessage response = await http.SendAsync(request);

            response.IsSuccessStatusCode.Should().BeTrue();
            (await response.Content.ReadAsStringAsync()).Should().Contain("omnigen-v2");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}
