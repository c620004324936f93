using System.Diagnostics;
using System.Globalization;
using Lumenfall.Sdk.Benchmarks.Clients;
using Lumenfall.Sdk.Benchmarks.Server;

namespace Lumenfall.Sdk.Benchmarks.Modes;

/// <summary>
/// N (default 1,000) URL generations started at once on one client, each client in a fresh process (this program
/// again, with <c>--client</c>) with its own server in that process. The SDK is the subject; the raw and OpenAI
/// clients run the same burst for reference. Per client: one warm-up call (JIT, one pooled connection), then two
/// bursts: "cold" (the pool has that one connection, the thread pool has not grown) and "warm" (right after, the
/// pool holds what the cold burst opened). Reported: wall time, failures, wrong URLs, the connections the server
/// accepted during the burst and the most open at once, latency percentiles. Every call is bounded by a 2-minute
/// token.
/// </summary>
internal static class ConcurrencyMode
{
    private static readonly string[] Clients = ["sdk", "raw", "openai"];

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        int calls = 1000;
        int index = Array.IndexOf(args, "--calls");
        if (index >= 0 && (index + 1 >= args.Length || !int.TryParse(args[index + 1], CultureInfo.InvariantCulture, out calls) || calls < 1))
        {
            output.WriteLine("concurrency: --calls takes a positive number");
            return 2;
        }

        int clientIndex = Array.IndexOf(args, "--client");
        if (clientIndex >= 0)
        {
            return clientIndex + 1 < args.Length && Clients.Contains(args[clientIndex + 1])
                ? await RunClientAsync(args[clientIndex + 1], calls, output)
                : Usage(output);
        }

        output.WriteLine($"concurrency: {calls:N0} concurrent URL generations on one client, one fresh process per client, {Environment.ProcessorCount} cores");
        output.WriteLine($"  {"client",-7} {"burst",-5} {"wall",9} {"failures",9} {"wrong",6} {"conns opened",13} {"peak open",10} {"p50",9} {"p99",9} {"max",9}");
        int sdkExit = 0;
        foreach (string client in Clients)
        {
            (int exitCode, string text) = await SelfProcess.RunAsync(["concurrency", "--client", client, "--calls", calls.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromMinutes(5));
            output.Write(text);
            if (client == "sdk")
            {
                sdkExit = exitCode;
            }
        }

        return sdkExit;
    }

    private static int Usage(TextWriter output)
    {
        output.WriteLine($"concurrency: --client takes one of {string.Join(", ", Clients)}");
        return 2;
    }

    /// <summary>One client, in this process: a warm-up call, then a cold and a warm burst; 1 when any call failed.</summary>
    private static async Task<int> RunClientAsync(string client, int calls, TextWriter output)
    {
        await using BenchServer server = await BenchServer.StartAsync();
        using RawCalls? raw = client == "raw" ? new RawCalls(server.BaseAddress) : null;
        SdkCalls? sdk = client == "sdk" ? new SdkCalls(server.BaseAddress) : null;
        OpenAICalls? openai = client == "openai" ? new OpenAICalls(server.BaseAddress) : null;
        Func<CancellationToken, Task<string>> call = (raw, sdk, openai) switch
        {
            ({ } r, _, _) => token => r.UrlAsync(token),
            (_, { } s, _) => async token => (await s.UrlAsync(token)).OriginalString,
            (_, _, { } o) => async token => (await o.UrlAsync(token)).OriginalString,
            _ => throw new ArgumentException($"unknown client '{client}'", nameof(client)),
        };

        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await call(limit.Token);   // warm-up: JIT and one pooled connection
        int failed = 0;
        foreach (string burst in new[] { "cold", "warm" })
        {
            server.ResetCounters();
            var latencies = new double[calls];
            var errors = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
            int failures = 0, wrong = 0;
            var wall = Stopwatch.StartNew();
            var tasks = new Task[calls];
            for (int i = 0; i < calls; i++)
            {
                int n = i;
                tasks[i] = Task.Run(async () =>
                {
                    long started = Stopwatch.GetTimestamp();
                    try
                    {
                        if (await call(limit.Token) != server.UrlResult)
                        {
                            Interlocked.Increment(ref wrong);
                        }
                    }
                    catch (Exception ex) when (ex is LumenfallException or HttpRequestException or OperationCanceledException or System.ClientModel.ClientResultException or IOException)
                    {
                        Interlocked.Increment(ref failures);
                        errors.AddOrUpdate($"{ex.GetType().Name}: {ex.Message}", 1, (_, c) => c + 1);
                    }

                    latencies[n] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                });
            }

            await Task.WhenAll(tasks);
            wall.Stop();
            Array.Sort(latencies);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {client,-7} {burst,-5} {wall.Elapsed.TotalMilliseconds,6:0} ms {failures,9} {wrong,6} {server.AcceptedConnections,13} {server.PeakActiveConnections,10} {latencies[calls / 2],6:0.0} ms {latencies[Math.Min(calls - 1, calls * 99 / 100)],6:0.0} ms {latencies[^1],6:0.0} ms"));
            foreach ((string message, int count) in errors.OrderByDescending(e => e.Value).Take(3))
            {
                output.WriteLine($"          {count} × {message}");
            }

            failed += failures + wrong;
        }

        return failed == 0 ? 0 : 1;
    }
}
