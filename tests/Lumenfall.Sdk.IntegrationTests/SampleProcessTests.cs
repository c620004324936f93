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
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = elsewhere, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(sample);
        foreach (string variable in CliProcess.Variables)
        {
            start.Environment.Remove(variable);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));

        process.ExitCode.Should().Be(0, await error);
        // appsettings.json turns on OmniRouters' async tasks (Lumenfall:OmniRouters:UseAsyncTasks): the result's id is the task's.
        (await output).Should().Contain("omni-image task task_").And.Contain($"Content root path: {Path.GetDirectoryName(sample)}");
        File.Exists(Path.Combine(elsewhere, "di-poster.png")).Should().BeTrue("the sample writes its poster where it is run");
    }

    [Fact]
    public async Task The_webhooks_sample_shows_a_queued_job_completed_by_its_webhook_with_no_status_poll()
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Directory.CreateTempSubdirectory().FullName, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(SampleOutput.Dll("Webhooks", "Webhooks"));
        foreach (string variable in CliProcess.Variables)
        {
            start.Environment.Remove(variable);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));

        process.ExitCode.Should().Be(0, await error);
        (await output).Should().Contain("fal webhook: ").And.Contain("delivered by webhook; status polls: 0");
    }
}
