using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Lumenfall.Sdk.Benchmarks.Clients;
using Lumenfall.Sdk.Benchmarks.Server;

namespace Lumenfall.Sdk.Benchmarks.Modes;

/// <summary>
/// Peak memory while one 16 MiB image arrives as base64 and is saved to a file, one fresh process per client (this
/// program again, as <c>memory-child CLIENT SERVER FOLDER</c>), against a server in this process so the child holds
/// only the client's memory. In the child: a warm-up with the 1 MiB image (JIT, connection, pools), a full GC, the
/// peak working set reset (Linux: <c>/proc/self/clear_refs</c>), then the 16 MiB call, timed by
/// <see cref="Process.PeakWorkingSet64"/> and <see cref="GC.GetTotalAllocatedBytes(bool)"/>.
/// </summary>
internal static class MemoryMode
{
    /// <summary>The clients, then two SDK paths that write as the image arrives: one image, and a batch of 64 at 16 at once.</summary>
    private static readonly string[] Clients = ["raw", "sdk", "openai", "sdk-stream", "batch-64x16"];

    private const int BatchImages = 64;

    public static async Task<int> RunAsync(TextWriter output)
    {
        await using BenchServer server = await BenchServer.StartAsync();
        string folder = Path.Combine(Path.GetTempPath(), $"lumenfall-bench-memory-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        var results = new List<MemoryResult>();
        try
        {
            foreach (string client in Clients)
            {
                results.Add(await RunChildAsync(client, server.BaseAddress, folder));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        const double Image = Payloads.SixteenMiB;   // the batch's ratios are per image too: its peak is for 64 images
        output.WriteLine($"memory: receive one {Payloads.SixteenMiB:N0}-byte (16 MiB) image as base64 and save it to a file; one fresh process per client");
        output.WriteLine($"  {"client",-12} {"baseline WS",12} {"peak WS",12} {"peak-baseline",14} {"× image",8} {"allocated",14} {"× image",8}  file");
        foreach (MemoryResult r in results)
        {
            if (r.Error is not null)
            {
                output.WriteLine($"  {r.Client,-12} FAILED: {r.Error}");
                continue;
            }

            long above = r.PeakWorkingSet - r.BaselineWorkingSet;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {r.Client,-12} {Mib(r.BaselineWorkingSet),12} {Mib(r.PeakWorkingSet),12} {Mib(above),14} {above / Image,8:0.00} {Mib(r.Allocated),14} {r.Allocated / Image,8:0.00}  {(r.FileIntact ? "intact" : "DIFFERS")}{(r.PeakReset ? string.Empty : " (peak not reset: includes the warm-up)")}"));
        }

        return results.All(r => r.Error is null && r.FileIntact) ? 0 : 1;

        static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.0} MiB");
    }

    /// <summary>The child: one client, one warm-up, one measured 16 MiB receive-and-save; prints a JSON line.</summary>
    public static async Task<int> ChildAsync(string client, string server, string folder)
    {
        MemoryResult result;
        try
        {
            result = await MeasureAsync(client, server, folder);
        }
        catch (Exception ex) when (ex is LumenfallException or HttpRequestException or IOException or InvalidOperationException or ArgumentException or System.ClientModel.ClientResultException)
        {
            result = new MemoryResult(client, 0, 0, 0, false, false, $"{ex.GetType().Name}: {ex.Message}");
        }

        Console.WriteLine(JsonSerializer.Serialize(result, MemoryJsonContext.Default.MemoryResult));
        return result.Error is null ? 0 : 1;
    }

    private static async Task<MemoryResult> MeasureAsync(string client, string server, string folder)
    {
        using RawCalls? raw = client == "raw" ? new RawCalls(server) : null;
        SdkCalls? sdk = client is "sdk" or "sdk-stream" or "batch-64x16" ? new SdkCalls(server) : null;
        OpenAICalls? openai = client == "openai" ? new OpenAICalls(server) : null;
        Func<string, string, Task<string>> save = (client, raw, sdk, openai) switch
        {
            (_, { } r, _, _) => (prompt, path) => r.Base64ToFileAsync(prompt, path),
            ("sdk", _, { } s, _) => (prompt, path) => s.Base64ToFileAsync(prompt, path),
            ("sdk-stream", _, { } s, _) => (prompt, path) => s.Base64StreamedToFileAsync(prompt, path),
            ("batch-64x16", _, { } s, _) => (prompt, path) => BatchAsync(s, prompt, path),
            (_, _, _, { } o) => (prompt, path) => o.Base64ToFileAsync(prompt, path),
            _ => throw new ArgumentException($"unknown client '{client}' ({string.Join(", ", Clients)})", nameof(client)),
        };

        File.Delete(await save(Prompts.Base64Small, Path.Combine(folder, client + "-warmup.png")));
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);

        bool reset = ResetPeak();
        using Process process = Process.GetCurrentProcess();
        process.Refresh();
        long baseline = process.WorkingSet64;
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);

        string written = await save(Prompts.Base64Large, Path.Combine(folder, client + "-16MiB.png"));

        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        process.Refresh();
        long peak = process.PeakWorkingSet64;

        // After the measurement: the file must hold exactly the image the server encoded.
        byte[] expected = Payloads.Image(Payloads.SixteenMiB, Payloads.ResultSeed);
        bool intact = (await File.ReadAllBytesAsync(written)).AsSpan().SequenceEqual(expected);
        File.Delete(written);
        return new MemoryResult(client, baseline, peak, allocated, reset, intact, null);
    }

    /// <summary>
    /// 64 jobs of the same image at concurrency 16 through <see cref="Batch.ImageBatch"/> (journal and files in a folder
    /// of their own); returns the first file, and checks every file has the same size as the first.
    /// </summary>
    private static async Task<string> BatchAsync(SdkCalls sdk, string prompt, string path)
    {
        string folder = path + ".batch";
        Directory.CreateDirectory(folder);
        int count = prompt == Prompts.Base64Large ? BatchImages : 1;
        var jobs = Enumerable.Range(1, count).Select(i => new Batch.BatchJob($"image-{i}", "gpt-image-2", prompt)
        {
            Parameters = new Dictionary<string, System.Text.Json.Nodes.JsonNode?> { ["response_format"] = "b64_json" },
        });
        var batch = new Batch.ImageBatch(sdk.Client, new Batch.BatchOptions { JournalPath = Path.Combine(folder, "journal.db"), OutputFolder = folder, Concurrency = 16 });
        Batch.BatchSummary summary = await batch.RunAsync(jobs);
        if (!summary.AllSaved)
        {
            throw new InvalidOperationException($"the batch did not save every image: {string.Join("; ", summary.Jobs.Where(j => j.State != Batch.BatchJobState.Saved).Select(j => $"{j.Id} {j.State} {j.Error}"))}");
        }

        long size = new FileInfo(summary.Jobs[0].Files[0]).Length;
        if (summary.Jobs.Any(j => new FileInfo(j.Files[0]).Length != size))
        {
            throw new InvalidOperationException("the batch's files differ in size");
        }

        File.Copy(summary.Jobs[0].Files[0], path, overwrite: true);
        Directory.Delete(folder, recursive: true);
        return path;
    }

    /// <summary>Resets the kernel's peak resident set (VmHWM) to the current one; false where that is not possible.</summary>
    private static bool ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return false;
        }
    }

    private static async Task<MemoryResult> RunChildAsync(string client, string server, string folder)
    {
        (int exitCode, string text) = await SelfProcess.RunAsync(["memory-child", client, server, folder], TimeSpan.FromMinutes(5));
        string? line = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault(l => l.StartsWith('{'));
        return line is null
            ? new MemoryResult(client, 0, 0, 0, false, false, $"the child exited with {exitCode} and printed no result: {text}")
            : JsonSerializer.Deserialize(line, MemoryJsonContext.Default.MemoryResult)!;
    }
}

internal sealed record MemoryResult(string Client, long BaselineWorkingSet, long PeakWorkingSet, long Allocated, bool PeakReset, bool FileIntact, string? Error);

[JsonSerializable(typeof(MemoryResult))]
internal sealed partial class MemoryJsonContext : JsonSerializerContext;
