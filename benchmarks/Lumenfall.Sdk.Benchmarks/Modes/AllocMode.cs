using System.Diagnostics.Tracing;
using System.Globalization;
using Lumenfall.Sdk.Benchmarks.Clients;
using Lumenfall.Sdk.Benchmarks.Server;

namespace Lumenfall.Sdk.Benchmarks.Modes;

/// <summary>
/// Where a client's allocations go: a fresh process per client (the server stays in this one, so its allocations are
/// not counted) runs the URL and 1 MiB base64 calls, reports the bytes allocated per call and a histogram of the
/// allocated types from the runtime's allocation-tick samples (one sample per ~100 KB allocated: a statistical
/// profile, good for the largest items, blind to stacks). For finding per-call costs; the figures in the README come
/// from the bench mode.
/// </summary>
internal static class AllocMode
{
    private const int Calls = 20_000;

    public static async Task<int> RunAsync(TextWriter output)
    {
        await using BenchServer server = await BenchServer.StartAsync();
        foreach (string client in new[] { "raw", "sdk", "openai" })
        {
            (int exit, string text) = await SelfProcess.RunAsync(["alloc-child", client, server.BaseAddress], TimeSpan.FromMinutes(10));
            output.Write(text);
            if (exit != 0)
            {
                return exit;
            }
        }

        return 0;
    }

    public static async Task<int> ChildAsync(string client, string server)
    {
        var sdk = new SdkCalls(server);
        using var raw = new RawCalls(server);
        var openai = new OpenAICalls(server);
        (string Case, int Calls, Func<Task> Call)[] cases = client switch
        {
            "sdk" => [("url", Calls, () => sdk.UrlAsync()), ("base64-1MiB", 200, () => sdk.Base64Async(Prompts.Base64Small))],
            "raw" => [("url", Calls, () => raw.UrlAsync()), ("base64-1MiB", 200, () => raw.Base64Async(Prompts.Base64Small))],
            _ => [("url", Calls, () => openai.UrlAsync()), ("base64-1MiB", 200, () => openai.Base64Async(Prompts.Base64Small))],
        };

        foreach ((string name, int calls, Func<Task> call) in cases)
        {
            for (int i = 0; i < Math.Min(calls, 2_000); i++)
            {
                await call();   // warm-up: connections, JIT, pools
            }

            using var ticks = new AllocationTicks();
            long before = GC.GetTotalAllocatedBytes(precise: true);
            for (int i = 0; i < calls; i++)
            {
                await call();
            }

            long after = GC.GetTotalAllocatedBytes(precise: true);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{client} {name}: {(after - before) / (double)calls:0} bytes per call over {calls} calls"));
            foreach ((string type, long bytes) in ticks.Top(int.Parse(Environment.GetEnvironmentVariable("ALLOC_TOP") ?? "25", CultureInfo.InvariantCulture)))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {bytes / (double)calls,10:0.0} B/call  {type}"));
            }
        }

        return 0;
    }

    /// <summary>Collects the runtime's GC allocation-tick events: type name and the bytes the sample stands for.</summary>
    private sealed class AllocationTicks : EventListener
    {
        private readonly Dictionary<string, long> _bytes = [];
        private bool _on = true;

        public IEnumerable<(string Type, long Bytes)> Top(int count)
        {
            lock (_bytes)
            {
                _on = false;
                return _bytes.OrderByDescending(p => p.Value).Take(count).Select(p => (p.Key, p.Value)).ToArray();
            }
        }

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (!e.EventName!.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null)
            {
                return;
            }

            int typeIndex = e.PayloadNames!.IndexOf("TypeName");
            int amountIndex = e.PayloadNames.IndexOf("AllocationAmount64");
            string type = typeIndex >= 0 ? e.Payload[typeIndex]?.ToString() ?? "?" : "?";
            long amount = amountIndex >= 0 ? Convert.ToInt64(e.Payload[amountIndex], CultureInfo.InvariantCulture) : 0;
            lock (_bytes)
            {
                if (_on)
                {
                    _bytes[type] = _bytes.GetValueOrDefault(type) + amount;
                }
            }
        }
    }
}
