using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Lumenfall.Sdk.IntegrationTests;

/// <summary>
/// The <c>lumenfall</c> CLI as a separate process with none of the services' variables set (unless given): lines of
/// stdout and stderr as they come, waiting for a line, real signals, the exit.
/// </summary>
internal sealed class CliProcess : IDisposable
{
    public const int SigInt = 2;
    public const int SigTerm = 15;

    /// <summary>Every variable the CLI reads: removed from the child's environment so a developer's keys never leak in.</summary>
    public static readonly string[] Variables =
    [
        "LUMENFALL_API_KEY", "FAL_KEY", "OMNIROUTERS_API_KEY", "LUMENFALL_BASE_URL", "FAL_RUN_BASE_URL", "FAL_QUEUE_BASE_URL", "FAL_STORAGE_BASE_URL", "OMNIROUTERS_BASE_URL",
    ];

    /// <summary>A hang is a failure, not a stuck run: the longest any step may take.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    private static readonly string CliDll = SampleOutput.Dll("Lumenfall.Cli", "Lumenfall.Cli");

    private readonly Process _process;
    private readonly List<string> _output = [];
    private readonly List<string> _error = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _waiters = [];

    private CliProcess(ProcessStartInfo start)
    {
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Received(_output, e.Data);
        _process.ErrorDataReceived += (_, e) => Received(_error, e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static CliProcess Start(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(CliDll);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (string variable in Variables)
        {
            start.Environment.Remove(variable);
        }

        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return new CliProcess(start);
    }

    /// <summary>Runs the CLI to its end.</summary>
    public static async Task<(int Code, string Output, string Error)> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        using CliProcess process = Start(environment, args);
        return await process.ExitAsync();
    }

    /// <summary>Waits for the first line (stdout or stderr, past or future) that matches.</summary>
    public Task<string> LineAsync(Func<string, bool> match)
    {
        lock (_waiters)
        {
            string? seen = _output.Concat(_error).FirstOrDefault(match);
            if (seen is not null)
            {
                return Task.FromResult(seen);
            }

            var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, found));
            return found.Task.WaitAsync(Patience);
        }
    }

    /// <summary>Sends a real signal (kill(2)), as a terminal's Ctrl+C, <c>kill</c>, <c>timeout</c> or <c>docker stop</c> would.</summary>
    public void Signal(int signal)
    {
        if (Kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Waits for the process to end and returns its exit code and everything it wrote.</summary>
    public async Task<(int Code, string Output, string Error)> ExitAsync()
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(Patience);
        }
        catch (TimeoutException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the CLI did not end within {Patience}; stderr so far:\n{string.Join('\n', Snapshot(_error))}");
        }

        _process.WaitForExit();   // the redirected streams are drained
        return (_process.ExitCode, string.Join('\n', Snapshot(_output)), string.Join('\n', Snapshot(_error)));
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private void Received(List<string> lines, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_waiters)
        {
            lines.Add(line);
            foreach ((Func<string, bool> match, TaskCompletionSource<string> found) in _waiters.Where(w => w.Match(line)).ToList())
            {
                _waiters.Remove((match, found));
                found.TrySetResult(line);
            }
        }
    }

    private List<string> Snapshot(List<string> lines)
    {
        lock (_waiters)
        {
            return [.. lines];
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code in the test project for one call
    private static extern int Kill(int pid, int signal);
#pragma warning restore SYSLIB1054
}
