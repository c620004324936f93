using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace Lumenfall.Sdk.Tests.Fuzz;

/// <summary>
/// Seeded fuzzing of hostile server replies through the public API, on fake time. Every case must end in a result,
/// a typed <see cref="LumenfallException"/> (with the job's id once the job has one, no API key anywhere, a capped
/// message), or an <see cref="OperationCanceledException"/> when the caller canceled. Anything else is a failure
/// whose seed, path, step and reply are printed.
/// <para>
/// <c>LUMENFALL_FUZZ_CASES</c> sets how many seeds run in all (default 2,000, split over the three families);
/// <c>LUMENFALL_FUZZ_FIRST_SEED</c> where they start (default 0); <c>LUMENFALL_FUZZ_SEED=123[,456]</c> replays cases
/// with <see cref="Replay_the_seeds_in_LUMENFALL_FUZZ_SEED"/>; <c>LUMENFALL_FUZZ_DUMP=folder</c> writes each case's verdict
/// to a file per family, to compare runs.
/// </para>
/// </summary>
public class HostileResponseFuzzTests(ITestOutputHelper output)
{
    private const int DefaultCases = 2_000;

    [Fact]
    public Task Lumenfall_gateway_calls_end_in_a_result_or_a_typed_exception() => RunFamilyAsync(FuzzFamily.Lumenfall);

    [Fact]
    public Task Fal_calls_end_in_a_result_or_a_typed_exception() => RunFamilyAsync(FuzzFamily.Fal);

    [Fact]
    public Task OmniRouters_calls_end_in_a_result_or_a_typed_exception() => RunFamilyAsync(FuzzFamily.OmniRouters);

    [Fact]
    public async Task Replay_the_seeds_in_LUMENFALL_FUZZ_SEED()
    {
        string? seeds = Environment.GetEnvironmentVariable("LUMENFALL_FUZZ_SEED");
        if (string.IsNullOrWhiteSpace(seeds))
        {
            output.WriteLine("Set LUMENFALL_FUZZ_SEED=<seed>[,<seed>…] to replay cases, for example the example seed of a failure group.");
            return;
        }

        var report = new FuzzReport("replay");
        using var scratch = new ScratchFolder();
        foreach (string seed in seeds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            FuzzOutcome outcome = await RunCaseAsync(HostileResponses.Create(int.Parse(seed, CultureInfo.InvariantCulture)), scratch.Path);
            report.Add(outcome);
            output.WriteLine(outcome.Describe());
            output.WriteLine(string.Empty);
        }

        output.WriteLine(report.Summary());
        if (report.Failures.Count > 0)
        {
            Assert.Fail(report.Render(details: 5));
        }
    }

    [Fact]
    public void The_same_seed_builds_the_same_case()
    {
        for (int seed = 0; seed < 200; seed++)
        {
            HostileCase first = HostileResponses.Create(seed), second = HostileResponses.Create(seed);
            first.Describe().Should().Be(second.Describe());
            first.Hostile?.Body.Should().Equal(second.Hostile!.Body);
            HostileResponses.PathOf(seed).Should().Be(first.Path);
        }
    }

    private async Task RunFamilyAsync(FuzzFamily family)
    {
        int total = Setting("LUMENFALL_FUZZ_CASES", DefaultCases);
        int first = Setting("LUMENFALL_FUZZ_FIRST_SEED", 0);
        var report = new FuzzReport($"{family} fuzz (seeds {first}..{first + total - 1})");
        using var scratch = new ScratchFolder();
        var clock = Stopwatch.StartNew();
        var slowest = new List<(TimeSpan Wall, int Seed)>();
        for (int seed = first; seed < first + total; seed++)
        {
            if (HostileResponses.FamilyOf(HostileResponses.PathOf(seed)) != family)
            {
                continue;
            }

            long started = clock.ElapsedTicks;
            report.Add(await RunCaseAsync(HostileResponses.Create(seed), scratch.Path));
            slowest.Add((TimeSpan.FromTicks((clock.ElapsedTicks - started) * TimeSpan.TicksPerSecond / Stopwatch.Frequency), seed));
        }

        report.Elapsed = clock.Elapsed;
        if (Environment.GetEnvironmentVariable("LUMENFALL_FUZZ_DUMP") is { Length: > 0 } dump)
        {
            // One line per case, to compare runs: seed, verdict, path, hostile step, phase, exception, detail, message, the SDK frame that threw, hostile reply.
            await File.WriteAllLinesAsync(Path.Combine(dump, $"{family}.tsv"), report.Outcomes.Select(o => string.Join('\t',
                o.Case.Seed, o.Verdict, o.Case.Path, o.Case.TargetName, o.Phase, o.ExceptionName, o.Detail,
                ReplySpec.Preview(o.Exception?.Message ?? string.Empty, 100), o.SdkFrame, o.Case.Hostile?.Describe(60) ?? "-")));
        }

        output.WriteLine(report.Render(details: 30));
        output.WriteLine("Slowest cases: " + string.Join(", ", slowest.OrderByDescending(s => s.Wall).Take(5).Select(s => $"seed {s.Seed} {s.Wall.TotalMilliseconds:F0} ms")));
        report.Cases.Should().BeGreaterThan(0);
        if (report.Failures.Count > 0)
        {
            Assert.Fail(report.Render(details: 5));
        }
    }

    /// <summary>
    /// Runs a case on a thread of its own: no synchronization context, so the SDK runs inline with the fake clock, and
    /// a driver waiting for a file write never holds a pool thread the write needs.
    /// </summary>
    private static async Task<FuzzOutcome> RunCaseAsync(HostileCase fuzzCase, string scratch)
    {
        Task<FuzzOutcome> run = Task.Factory.StartNew(() => FuzzDriver.Run(fuzzCase, scratch), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            return await run.WaitAsync(FuzzDriver.Watchdog + TimeSpan.FromSeconds(20));
        }
        catch (TimeoutException)
        {
            // The driver's own thread is stuck inside the SDK: nothing it can report, so report it here.
            return new FuzzOutcome(fuzzCase, Verdict.Hang, "?", null, "the driver thread itself did not come back (the SDK spins or blocks synchronously)", [], TimeSpan.Zero, 0);
        }
    }

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value >= 0 ? value : fallback;

    /// <summary>A temporary folder for <see cref="GeneratedImage.SaveAsync(string, CancellationToken)"/>, deleted afterwards.</summary>
    private sealed class ScratchFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("lumenfall-fuzz-").FullName;

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless.
            }
            catch (UnauthorizedAccessException)
            {
                // Likewise.
            }
        }
    }
}
