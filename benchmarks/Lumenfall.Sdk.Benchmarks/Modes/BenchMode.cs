using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using Lumenfall.Sdk.Benchmarks.Server;

namespace Lumenfall.Sdk.Benchmarks.Modes;

/// <summary>
/// Starts the server here, runs the check against it (and stops on a mismatch), then runs BenchmarkDotNet. Each
/// benchmark runs in BenchmarkDotNet's own child process and reaches this process's server through
/// <see cref="ClientBenchmarks.ServerVariable"/>, so its allocations are the client's only.
/// </summary>
internal static class BenchMode
{
    /// <summary>
    /// The job: one launch, 15 warm-up and 15 measured iterations of about 0.5 s each (BenchmarkDotNet's default runs
    /// until the results are stable, up to 100; ShortRun has 3 and 3): about 20 s per benchmark on a 2-core machine.
    /// With 3 or 6 warm-ups the URL case was still getting faster in the measured iterations (the JIT's tier-up
    /// competes with client and server for the two cores). BenchmarkDotNet's own options (--iterationCount,
    /// --warmupCount, …) change it.
    /// </summary>
    public static Job Job(string server) => BenchmarkDotNet.Jobs.Job.Default
        .WithId("bench")
        .WithLaunchCount(1)
        .WithWarmupCount(15)
        .WithIterationCount(15)
        .WithEnvironmentVariables(new EnvironmentVariable(ClientBenchmarks.ServerVariable, server))
        .AsDefault();

    public static async Task<int> RunAsync(string[] args)
    {
        await using BenchServer server = await BenchServer.StartAsync();
        int check = await CheckMode.RunAsync(server, Console.Out);
        if (check != 0)
        {
            Console.Error.WriteLine("bench: the clients' results differ; not timing them.");
            return check;
        }

        // Jobs given on the command line (--job short) do not carry the variable; the children inherit it from here.
        Environment.SetEnvironmentVariable(ClientBenchmarks.ServerVariable, server.BaseAddress);
        IConfig config = DefaultConfig.Instance.AddJob(Job(server.BaseAddress));
        string[] switcherArgs = args.Any(a => a.StartsWith("--filter", StringComparison.Ordinal) || a == "-f") ? args : [.. args, "--filter", "*"];
        var summaries = BenchmarkSwitcher.FromTypes([typeof(ClientBenchmarks)]).Run(switcherArgs, config).ToList();
        return summaries.Count > 0 && summaries.All(s => !s.HasCriticalValidationErrors && s.Reports.All(r => r.Success)) ? 0 : 1;
    }
}
