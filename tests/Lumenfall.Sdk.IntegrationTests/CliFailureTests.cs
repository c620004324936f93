using System.Net;
using Lumenfall.Cli;
using Lumenfall.Sdk.Testing;

namespace Lumenfall.Sdk.IntegrationTests;

/// <summary>
/// The CLI in process (<see cref="CliApp"/> with its own writers and environment): every failure, the SDK's or any
/// other, ends as one <c>error:</c> line on stderr and an exit code, never as an exception or a stack trace.
/// </summary>
public sealed class CliFailureTests : IAsyncLifetime
{
    private LumenfallEmulator _emulator = null!;

    public async Task InitializeAsync() => _emulator = await LumenfallEmulator.StartAsync(new EmulatorOptions { MaxSide = 64, QueuedPolls = 0, RunningPolls = 0 });

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task An_exception_that_is_not_ours_gives_one_error_line_and_exit_code_3()
    {
        CliRun run = await RunAsync(_ => throw new InvalidOperationException("the environment is unreadable"), "generate", "--model", "flux.2-dev", "--prompt", "x");

        run.Code.Should().Be(CliApp.ServiceError);
        run.ErrorLines.Should().ContainSingle().Which.Should().Be("error: unexpected InvalidOperationException: the environment is unreadable (run with --verbose for details)");
        run.Output.Should().BeEmpty();
    }

    [Fact]
    public async Task With_verbose_a_foreign_exception_shows_its_type_and_stack()
    {
        CliRun run = await RunAsync(_ => throw new InvalidOperationException("the environment is unreadable"), "generate", "--model", "flux.2-dev", "--prompt", "x", "--verbose");

        run.Code.Should().Be(CliApp.ServiceError);
        run.ErrorLines[0].Should().Be("error: unexpected InvalidOperationException: the environment is unreadable");
        run.Error.Should().Contain("System.InvalidOperationException: the environment is unreadable").And.Contain("   at ");
    }

    [Fact]
    public async Task A_failing_stdout_is_reported_on_stderr_with_exit_code_3()
    {
        var error = new StringWriter();
        var app = new CliApp(new FailingWriter(), error, _ => null);

        int code = await app.RunAsync(["schema", "fal-ai/omnigen-v1"], CancellationToken.None);

        code.Should().Be(CliApp.ServiceError);
        error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle().Which.Should().StartWith("error: unexpected IOException: stdout is closed");
    }

    [Fact]
    public async Task A_service_error_names_the_request_and_exits_with_code_3()
    {
        _emulator.Faults.Add(new EmulatorFault { Method = "POST", PathContains = "/images/generations", StatusCode = HttpStatusCode.InternalServerError, Body = """{"error":{"message":"provider exploded","code":"UPSTREAM_ERROR"}}""" });

        CliRun run = await RunAsync(Environment(), "generate", "--model", "flux.2-dev", "--prompt", "x", "--output", Directory.CreateTempSubdirectory().FullName);

        run.Code.Should().Be(CliApp.ServiceError);
        string clientRequestId = _emulator.Requests.Single(r => r.Method == "POST").ClientRequestId!;
        run.ErrorLines.Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).Should().ContainSingle()
            .Which.Should().Contain("provider exploded").And.Contain($"client request id {clientRequestId}");
    }

    [Fact]
    public async Task A_failed_queued_job_prints_its_id_and_no_resume_command_since_there_is_nothing_to_resume()
    {
        _emulator.Faults.FailNextJob("CUDA out of memory");

        CliRun run = await RunAsync(Environment(), "generate", "--model", "omnigen-v1", "--prompt", "x", "--output", Directory.CreateTempSubdirectory().FullName);

        run.Code.Should().Be(CliApp.ServiceError);
        string jobId = _emulator.Requests.First(r => r.Path.EndsWith("/status", StringComparison.Ordinal)).Path.Split('/')[^2];
        run.ErrorLines.Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).Should().ContainSingle().Which.Should().Contain("CUDA out of memory").And.Contain(jobId);
        run.ErrorLines.Should().NotContain(l => l.StartsWith("Resume with:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task In_a_folder_a_second_image_under_the_same_generated_name_gets_the_next_free_name()
    {
        string folder = Directory.CreateTempSubdirectory().FullName;

        CliRun first = await RunAsync(Environment(), "generate", "--model", "omnirouters/Seedream:4.5", "--prompt", "x", "--output", folder);
        CliRun second = await RunAsync(Environment(), "generate", "--model", "omnirouters/Seedream:4.5", "--prompt", "x", "--output", folder);

        (first.Code, second.Code).Should().Be((CliApp.Ok, CliApp.Ok), second.Error);
        second.Output.Trim().Should().NotBe(first.Output.Trim());
        Directory.GetFiles(folder).Should().HaveCount(2);
    }

    [Fact]
    public async Task A_batch_whose_jobs_file_is_not_json_lines_is_bad_input()
    {
        string jobs = Path.Combine(Directory.CreateTempSubdirectory().FullName, "jobs.jsonl");
        await File.WriteAllTextAsync(jobs, "not json\n");

        CliRun run = await RunAsync(Environment(), "batch", jobs, "--out", Path.GetDirectoryName(jobs)!);

        run.Code.Should().Be(CliApp.BadInput);
        run.ErrorLines.Should().Equal("error: line 1: line: is not a JSON object", "error: 1 job problem(s); nothing was sent.");
    }

    [Fact]
    public async Task Cancellation_by_the_user_exits_with_code_4()
    {
        CliRun run = await RunAsync(Environment(), new CancellationToken(canceled: true), "generate", "--model", "flux.2-dev", "--prompt", "x");

        run.Code.Should().Be(CliApp.TimedOut);
        run.ErrorLines.Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).Should().ContainSingle().Which.Should().Be("error: Canceled.");
    }

    [Theory]
    [InlineData("generate", "--model", "flux.2-dev", "--prompt", "x", "--image", "/no/such/file.png")]
    [InlineData("generate", "--model", "flux.2-dev")]
    [InlineData("operation", "wait", "not-a-token")]
    [InlineData("frobnicate")]
    [InlineData()]
    public async Task Bad_input_gives_one_error_line_and_exit_code_2(params string[] args)
    {
        CliRun run = await RunAsync(Environment(), args);

        run.Code.Should().Be(CliApp.BadInput);
        run.ErrorLines.Should().ContainSingle().Which.Should().StartWith("error: ").And.NotContain("(Parameter '", "the message is for people, not for the caller of a method");
    }

    [Fact]
    public async Task A_bad_output_folder_is_bad_input()
    {
        string file = Path.Combine(Directory.CreateTempSubdirectory().FullName, "not-a-folder");
        await File.WriteAllTextAsync(file, "x");

        CliRun run = await RunAsync(Environment(), "generate", "--model", "flux.2-dev", "--prompt", "x", "--output", Path.Combine(file, "image.png"));

        run.Code.Should().Be(CliApp.BadInput, run.Error);
        run.ErrorLines.Should().ContainSingle().Which.Should().Be($"error: --output {Path.Combine(file, "image.png")}: the folder {file} cannot be created ({file} is a file).");
        _emulator.Requests.Should().NotContain(r => r.Method == "POST", "the output is checked before anything is billed");
    }

    [Fact]
    public async Task An_existing_output_file_is_refused_before_billing_unless_overwrite_is_given()
    {
        string file = Path.Combine(Directory.CreateTempSubdirectory().FullName, "poster.png");
        await File.WriteAllTextAsync(file, "an earlier poster");

        CliRun refused = await RunAsync(Environment(), "generate", "--model", "flux.2-dev", "--prompt", "x", "--output", file);
        int postsAfterRefusal = _emulator.Requests.Count(r => r.Method == "POST");
        CliRun replaced = await RunAsync(Environment(), "generate", "--model", "flux.2-dev", "--prompt", "x", "--output", file, "--overwrite");

        refused.Code.Should().Be(CliApp.BadInput);
        refused.ErrorLines.Should().ContainSingle().Which.Should().Be($"error: --output {file} already exists; add --overwrite to replace it.");
        postsAfterRefusal.Should().Be(0);
        replaced.Code.Should().Be(CliApp.Ok, replaced.Error);
        ImageAssertions.Describe(await File.ReadAllBytesAsync(file)).Format.Should().Be("png");
    }

    [Fact]
    public async Task A_missing_output_folder_is_created()
    {
        string file = Path.Combine(Directory.CreateTempSubdirectory().FullName, "new", "deeper", "x.png");

        CliRun run = await RunAsync(Environment(), "generate", "--model", "flux.2-dev", "--prompt", "x", "--output", file);

        run.Code.Should().Be(CliApp.Ok, run.Error);
        run.Output.Trim().Should().Be(file);
        File.Exists(file).Should().BeTrue();
    }

    [Fact]
    public async Task An_image_that_cannot_be_saved_after_billing_is_kept_in_a_temp_file_the_error_names()
    {
        // OmniGen v1 answers with a JPEG, so x.png is written as x.jpg; a folder already sits there.
        string folder = Directory.CreateTempSubdirectory().FullName;
        Directory.CreateDirectory(Path.Combine(folder, "x.jpg"));

        CliRun run = await RunAsync(Environment(), "generate", "--model", "omnigen-v1", "--prompt", "x", "--output", Path.Combine(folder, "x.png"));

        run.Code.Should().Be(CliApp.ServiceError, run.Error);
        string error = run.ErrorLines.Should().ContainSingle(l => l.StartsWith("error: ", StringComparison.Ordinal)).Which;
        error.Should().StartWith($"error: image 1 could not be saved to {Path.Combine(folder, "x.jpg")} ").And.Contain(" (and from http://127.0.0.1:");
        string kept = System.Text.RegularExpressions.Regex.Match(error, @"it is safe in (\S+\.jpg)").Groups[1].Value;
        kept.Should().StartWith(Path.GetTempPath());
        ImageAssertions.Describe(await File.ReadAllBytesAsync(kept)).Format.Should().Be("jpeg");
        run.Output.Should().BeEmpty();
    }

    private Func<string, string?> Environment()
    {
        IReadOnlyDictionary<string, string> variables = _emulator.EnvironmentVariables();
        return name => variables.GetValueOrDefault(name);
    }

    private static Task<CliRun> RunAsync(Func<string, string?> environment, params string[] args) => CliRun.InProcessAsync(environment, CancellationToken.None, args);

    private static Task<CliRun> RunAsync(Func<string, string?> environment, CancellationToken cancellationToken, params string[] args) =>
        CliRun.InProcessAsync(environment, cancellationToken, args);

    /// <summary>A stdout whose reader has gone away.</summary>
    private sealed class FailingWriter : StringWriter
    {
        public override void Write(char value) => throw new IOException("stdout is closed");

        public override void Write(string? value) => throw new IOException("stdout is closed");

        public override Task WriteLineAsync(string? value) => throw new IOException("stdout is closed");

        public override Task WriteAsync(string? value) => throw new IOException("stdout is closed");
    }
}
