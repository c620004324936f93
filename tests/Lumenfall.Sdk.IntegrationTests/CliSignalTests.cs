namespace Lumenfall.Sdk.IntegrationTests;

/// <summary>
/// The CLI's processes under real signals, and jobs resumed across processes. A <c>lumenfall emulator</c> server runs
/// as its own process with <c>--queued-polls</c> so high that its jobs stay queued until a test says otherwise.
/// </summary>
public sealed class CliSignalTests : IAsyncLifetime
{
    private EmulatorServer _server = null!;

    public async Task InitializeAsync() => _server = await EmulatorServer.StartAsync("--queued-polls", "1000000");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData(CliProcess.SigTerm, "SIGTERM")]
    [InlineData(CliProcess.SigInt, "SIGINT")]
    public async Task The_emulator_stops_cleanly_on_a_signal(int signal, string name)
    {
        using CliProcess emulator = CliProcess.Start(null, "emulator");
        await emulator.LineAsync(l => l.StartsWith("Lumenfall emulator listening on", StringComparison.Ordinal));

        emulator.Signal(signal);
        (int code, _, string error) = await emulator.ExitAsync();

        code.Should().Be(0, error);
        error.Should().EndWith($"Emulator stopped ({name}).");
    }

    [Fact]
    public async Task Generate_stopped_by_sigterm_exits_143_and_says_how_to_resume()
    {
        using CliProcess generate = CliProcess.Start(_server.Environment, "generate", "--model", "omnigen-v1", "--prompt", "x", "--output", Folder());
        string submitted = await generate.LineAsync(l => l.StartsWith("Submitted ", StringComparison.Ordinal));
        await generate.LineAsync(l => l.Contains("Queued, position", StringComparison.Ordinal));

        generate.Signal(CliProcess.SigTerm);
        (int code, string output, string error) = await generate.ExitAsync();

        code.Should().Be(143, error);
        string[] lines = error.Split('\n');
        lines.Should().Contain("error: Stopped by SIGTERM; the job goes on at the service.");
        lines[^1].Should().StartWith("Resume with: lumenfall operation wait lmfop1.");
        submitted.Should().EndWith(lines[^1]["Resume with: ".Length..]);
        output.Should().BeEmpty();
    }

    [Fact]
    public async Task An_interrupted_wait_exits_130_and_the_job_is_picked_up_by_another_process()
    {
        using CliProcess generate = CliProcess.Start(_server.Environment, "generate", "--model", "omnigen-v1", "--prompt", "x", "--output", Folder());
        string token = (await generate.LineAsync(l => l.StartsWith("Submitted ", StringComparison.Ordinal))).Split("Resume with: lumenfall operation wait ")[1];
        generate.Signal(CliProcess.SigTerm);
        (await generate.ExitAsync()).Code.Should().Be(143);

        using CliProcess wait = CliProcess.Start(_server.Environment, "operation", "wait", token, "--output", Folder());
        await wait.LineAsync(l => l.Contains("Queued, position", StringComparison.Ordinal));
        wait.Signal(CliProcess.SigInt);
        (int code, _, string error) = await wait.ExitAsync();

        code.Should().Be(130, error);
        error.Split('\n').Should().Contain("error: Interrupted (SIGINT); the job goes on at the service.").And.Contain($"Resume with: lumenfall operation wait {token}");
    }

    [Fact]
    public async Task A_job_of_the_emulator_server_is_resumed_by_a_later_process_and_saved()
    {
        await using EmulatorServer quick = await EmulatorServer.StartAsync("--queued-polls", "0", "--running-polls", "0");
        string folder = Folder();
        (int code, _, string error) = await CliProcess.RunAsync(quick.Environment, "generate", "--model", "omnigen-v1", "--prompt", "x", "--output", Folder());
        code.Should().Be(0, error);
        string token = error.Split('\n').Single(l => l.StartsWith("Submitted ", StringComparison.Ordinal)).Split("Resume with: lumenfall operation wait ")[1];

        (int resumed, string output, string resumeError) = await CliProcess.RunAsync(quick.Environment, "operation", "wait", token, "--output", folder);

        resumed.Should().Be(0, resumeError);
        string file = output.Trim();
        Path.GetDirectoryName(file).Should().Be(folder);
        ImageAssertions.Describe(await File.ReadAllBytesAsync(file)).Format.Should().Be("jpeg");
    }

    [Fact]
    public async Task Without_keys_no_resume_command_is_printed_because_the_built_in_emulator_ends_with_the_command()
    {
        (int code, _, string error) = await CliProcess.RunAsync(null, "generate", "--model", "omnirouters/Nano-Banana2", "--prompt", "x", "--async", "--output", Folder());

        code.Should().Be(0, error);
        error.Should().Contain("Submitted ").And.Contain("to the built-in emulator").And.NotContain("Resume with").And.NotContain("lmfop1.");
    }

    private static string Folder() => Directory.CreateTempSubdirectory().FullName;

    /// <summary>A <c>lumenfall emulator</c> server process, and the variables it prints.</summary>
    private sealed class EmulatorServer : IAsyncDisposable
    {
        private readonly CliProcess _process;

        private EmulatorServer(CliProcess process, Dictionary<string, string> environment)
        {
            _process = process;
            Environment = environment;
        }

        public Dictionary<string, string> Environment { get; }

        public static async Task<EmulatorServer> StartAsync(params string[] options)
        {
            CliProcess process = CliProcess.Start(null, ["emulator", .. options]);
            var environment = new Dictionary<string, string>();
            foreach (string variable in CliProcess.Variables)
            {
                string line = await process.LineAsync(l => l.StartsWith($"export {variable}=", StringComparison.Ordinal));
                environment[variable] = line[(line.IndexOf('=', StringComparison.Ordinal) + 1)..];
            }

            return new EmulatorServer(process, environment);
        }

        public async ValueTask DisposeAsync()
        {
            _process.Signal(CliProcess.SigTerm);
            await _process.ExitAsync();
            _process.Dispose();
        }
    }
}
