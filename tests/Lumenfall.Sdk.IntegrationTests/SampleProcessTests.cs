using System.Diagnostics;

namespace Lumenfall.Sdk.IntegrationTests;

/// <summary>Samples run as a user runs them: from another folder than their own.</summary>
public class SampleProcessTests
{
    [Fact]
    public async Task The_dependency_injection_sample_reads_its_appsettings_json_from_any_folder()
    {
        string sample = SampleOutput.Dll("DependencyInjection", "DependencyInjection");
        string elsewhere = Directory.CreateTempSubdirectory().FullName;

        (int code, string output, string error) = await RunAsync(sample, elsewhere);

        code.Should().Be(0, error);
        // appsettings.json turns on OmniRouters' async tasks (Lumenfall:OmniRouters:UseAsyncTasks): the result's id is the task's.
        output.Should().Contain("omni-image task task_").And.Contain($"Content root path: {Path.GetDirectoryName(sample)}");
        File.Exists(Path.Combine(elsewhere, "di-poster.png")).Should().BeTrue("the sample writes its poster where it is run");
    }

    [Fact]
    public async Task The_webhooks_sample_shows_a_queued_job_completed_by_its_webhook_with_no_status_poll()
    {
        (int code, string output, string error) = await RunAsync(SampleOutput.Dll("Webhooks", "Webhooks"), Directory.CreateTempSubdirectory().FullName);

        code.Should().Be(0, error);
        output.Should().Contain("fal webhook: ").And.Contain("delivered by webhook; status polls: 0");
    }

    /// <summary>Runs a sample's DLL from <paramref name="folder"/>, with none of the services' variables set (so on the emulator).</summary>
    private static async Task<(int Code, string Output, string Error)> RunAsync(string dll, string folder)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (string variable in CliProcess.Variables)
        {
            start.Environment.Remove(variable);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await output, await error);
    }
}
