using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lumenfall.Sdk.Testing;

namespace Lumenfall.Sdk.IntegrationTests.Batch;

/// <summary><c>lumenfall batch</c> as a process: killed with SIGKILL mid-run and run again, against an emulator that counts every billable POST.</summary>
public sealed class BatchProcessTests
{
    private const int SigKill = 9;

    [Fact]
    public async Task Killed_with_sigkill_while_jobs_are_queued_a_rerun_bills_nothing_twice_and_saves_every_file_whole()
    {
        // fal jobs stay queued until the test lets them finish; gateway jobs finish at once.
        var pace = new EmulatorOptions { MaxSide = 64, QueuedPolls = 1_000_000, RunningPolls = 0 };
        await using LumenfallEmulator emulator = await LumenfallEmulator.StartAsync(pace);
        var environment = emulator.EnvironmentVariables().ToDictionary(v => v.Key, v => v.Value);
        string folder = Directory.CreateTempSubdirectory("batch-kill-").FullName;
        string jobs = Path.Combine(folder, "jobs.jsonl");
        string[] queued = ["fal-1", "fal-2", "fal-3", "fal-4"];
        string[] direct = ["gw-1", "gw-2"];
        await File.WriteAllLinesAsync(jobs, [
            .. queued.Select(id => $$"""{"id": "{{id}}", "model": "omnigen-v1", "prompt": "prompt {{id}}"}"""),
            .. direct.Select(id => $$$"""{"id": "{{{id}}}", "model": "flux.2-dev", "prompt": "prompt {{{id}}}", "params": {"size": "64x64"}}"""),
        ]);
        string[] args = ["batch", jobs, "--out", Path.Combine(folder, "images"), "--concurrency", "6", "--service-concurrency", "fal=4", "--json"];

        using (CliProcess first = CliProcess.Start(environment, args))
        {
            foreach (string id in queued)
            {
                await first.LineAsync(l => l.EndsWith($"| {id}: submitted", StringComparison.Ordinal) || l.Contains($"| {id}: submitted (", StringComparison.Ordinal));
            }

            foreach (string id in direct)
            {
                await first.LineAsync(l => l.Contains($"| {id}: saved", StringComparison.Ordinal));
            }

            first.Signal(SigKill);
            (int killed, _, _) = await first.ExitAsync();
            killed.Should().Be(128 + SigKill);
        }

        pace.QueuedPolls = 0;
        (int code, string output, string error) = await CliProcess.RunAsync(environment, args);

        code.Should().Be(0, error);
        JsonArray results = JsonNode.Parse(output)!["jobs"]!.AsArray();
        results.Should().HaveCount(6).And.OnlyContain(j => j!["state"]!.GetValue<string>() == "saved");
        foreach (JsonNode? job in results)
        {
            string id = job!["id"]!.GetValue<string>();
            emulator.Requests.Count(r => r.Method == "POST" && !r.Query.Contains("dryRun", StringComparison.Ordinal) && r.Json != null && r.Json.Contains($"prompt {id}", StringComparison.Ordinal))
                .Should().Be(1, $"{id} is submitted once, by the run that was killed");
            byte[] bytes = await File.ReadAllBytesAsync(job["files"]![0]!.GetValue<string>());
            Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant().Should().Be(job["sha256"]![0]!.GetValue<string>());
            ImageAssertions.Describe(bytes).Width.Should().BePositive();
        }

        Directory.GetFiles(Path.Combine(folder, "images"), "*.part").Should().BeEmpty();
    }

    [Fact]
    public async Task Bad_lines_are_listed_one_per_line_and_nothing_is_sent()
    {
        await using LumenfallEmulator emulator = await LumenfallEmulator.StartAsync();
        string jobs = Path.Combine(Directory.CreateTempSubdirectory().FullName, "jobs.jsonl");
        await File.WriteAllLinesAsync(jobs, [
            """{"id": "a", "model": "flux.2-dev", "prompt": "x", "params": {"n": 99}}""",
            """{"id": "a", "model": "flux.2-dev", "prompt": "y"}""",
        ]);

        (int code, _, string error) = await CliProcess.RunAsync(emulator.EnvironmentVariables().ToDictionary(v => v.Key, v => v.Value), "batch", jobs, "--out", Path.GetDirectoryName(jobs)!);

        code.Should().Be(2, error);
        error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().Equal(
            "error: line 1 (a): n: must be between 1 and 10 (was 99); --validation lenient would send it as given",
            "error: line 2 (a): id: is used by an earlier job; ids name jobs in the journal and must be unique",
            "error: line 2 (a): output: 'a' is also the output of an earlier job",
            "error: 3 job problem(s); nothing was sent.");
        emulator.Requests.Should().BeEmpty();
    }
}
