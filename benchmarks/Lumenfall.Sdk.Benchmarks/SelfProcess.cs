using System.Diagnostics;
using System.Reflection;

namespace Lumenfall.Sdk.Benchmarks;

/// <summary>Runs this program again in a fresh process (the memory and concurrency modes measure one client per process).</summary>
internal static class SelfProcess
{
    /// <summary>
    /// Runs this program with <paramref name="arguments"/>, returns its exit code and standard output (standard error
    /// passes through); from a copy of this program in <paramref name="appDirectory"/> when one is given.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(IEnumerable<string> arguments, TimeSpan timeout, string? appDirectory = null)
    {
        string host = Environment.ProcessPath ?? throw new InvalidOperationException("The process path is unknown.");
        ProcessStartInfo start;
        if (appDirectory is not null)
        {
            start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
            start.ArgumentList.Add(Path.Combine(appDirectory, Path.GetFileName(Assembly.GetEntryAssembly()!.Location)));
        }
        else
        {
            start = new ProcessStartInfo(host) { RedirectStandardOutput = true, UseShellExecute = false };
            if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            {
                start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);   // started as "dotnet app.dll"
            }
        }

        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process child = Process.Start(start) ?? throw new InvalidOperationException("The child process did not start.");
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            string output = await child.StandardOutput.ReadToEndAsync(limit.Token);
            await child.WaitForExitAsync(limit.Token);
            return (child.ExitCode, output);
        }
        catch (OperationCanceledException)
        {
            child.Kill();
            return (-1, $"the child process ran longer than {timeout.TotalMinutes:0} minutes and was stopped");
        }
    }
}
