using System.Diagnostics;
using System.Globalization;
using Lumenfall.Sdk.Benchmarks.Clients;
using Lumenfall.Sdk.Benchmarks.Server;

namespace Lumenfall.Sdk.Benchmarks.Modes;

/// <summary>
/// Time ratios that survive a noisy machine: for each case, rounds in which every client runs a short block of calls
/// (about 20 ms) one after the other, in an order that rotates each round, against a server in this process. Each
/// round gives a ratio per client against the raw client measured milliseconds apart; the median over the rounds is
/// reported with its interquartile range. Warm-up rounds come first and are thrown away: at least 15, and at least
/// 10 s per case (the SDK's URL call kept getting faster for its first ~15,000 calls on a 2-core machine, as the JIT
/// tiered its code up). Time only: allocations come from the bench mode, whose server runs in another process.
/// </summary>
internal static class PairedMode
{
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        int rounds = 60;
        const int MinWarmupRounds = 15;
        TimeSpan warmupTime = TimeSpan.FromSeconds(10);
        int index = Array.IndexOf(args, "--rounds");
        if (index >= 0 && (index + 1 >= args.Length || !int.TryParse(args[index + 1], CultureInfo.InvariantCulture, out rounds) || rounds < 3))
        {
            output.WriteLine("paired: --rounds takes a number of at least 3");
            return 2;
        }

        await using BenchServer server = await BenchServer.StartAsync();
        int check = await CheckMode.RunAsync(server, TextWriter.Null);
        if (check != 0)
        {
            output.WriteLine("paired: the clients' results differ (run the check mode to see how); not timing them.");
            return check;
        }

        var sdk = new SdkCalls(server.BaseAddress);
        using var raw = new RawCalls(server.BaseAddress);
        var openai = new OpenAICalls(server.BaseAddress);
        byte[] a = server.EditImageA, b = server.EditImageB;
        (string Case, int Ops, (string Client, Func<Task> Call)[] Clients)[] cases =
        [
            ("url", 200, [("raw", () => raw.UrlAsync()), ("sdk", () => sdk.UrlAsync()), ("openai", () => openai.UrlAsync())]),
            ("base64-1MiB", 10, [("raw", () => raw.Base64Async(Prompts.Base64Small)), ("sdk", () => sdk.Base64Async(Prompts.Base64Small)), ("openai", () => openai.Base64Async(Prompts.Base64Small))]),
            ("base64-16MiB", 1, [("raw", () => raw.Base64Async(Prompts.Base64Large)), ("sdk", () => sdk.Base64Async(Prompts.Base64Large)), ("openai", () => openai.Base64Async(Prompts.Base64Large))]),
            ("edit-2x1MiB", 10, [("raw", () => raw.EditAsync(a, b)), ("sdk", () => sdk.EditAsync(a, b)), ("openai", () => openai.EditAsync(a, b))]),
            ("fal-queue", 3, [("raw", () => raw.FalAsync()), ("sdk", () => sdk.FalAsync())]),
        ];

        output.WriteLine($"paired: {rounds} measured rounds per case after at least {MinWarmupRounds} warm-up rounds and {warmupTime.TotalSeconds:0} s; client order rotates each round; server in this process");
        output.WriteLine($"  {"case",-13} {"client",-7} {"median/op",12} {"× raw (median)",15} {"IQR",14} {"sdk × openai",13}");
        foreach ((string name, int ops, (string Client, Func<Task> Call)[] clients) in cases)
        {
            var perOp = clients.ToDictionary(c => c.Client, _ => new List<double>());
            long warmupStarted = Stopwatch.GetTimestamp();
            int? measuredFrom = null;
            for (int round = 0; measuredFrom is null || round < measuredFrom + rounds; round++)
            {
                if (measuredFrom is null && round >= MinWarmupRounds && Stopwatch.GetElapsedTime(warmupStarted) >= warmupTime)
                {
                    measuredFrom = round;
                }

                for (int k = 0; k < clients.Length; k++)
                {
                    (string client, Func<Task> call) = clients[(round + k) % clients.Length];
                    long started = Stopwatch.GetTimestamp();
                    for (int i = 0; i < ops; i++)
                    {
                        await call();
                    }

                    if (measuredFrom is not null)
                    {
                        perOp[client].Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds / ops);
                    }
                }
            }

            List<double> sdkVsOpenAI = perOp.TryGetValue("openai", out List<double>? openAIPerOp) ? Ratios(perOp["sdk"], openAIPerOp) : [];
            foreach ((string client, _) in clients)
            {
                List<double> ratios = Ratios(perOp[client], perOp["raw"]);
                string versusOpenAI = client == "sdk" && sdkVsOpenAI.Count > 0 ? Format($"{Quantile(sdkVsOpenAI, 0.5),13:0.00}") : string.Empty;
                output.WriteLine(Format(
                    $"  {name,-13} {client,-7} {Micro(Quantile(perOp[client], 0.5)),12} {Quantile(ratios, 0.5),15:0.00} {Quantile(ratios, 0.25),6:0.00} – {Quantile(ratios, 0.75),-5:0.00} {versusOpenAI}"));
            }
        }

        return 0;

        static List<double> Ratios(List<double> values, List<double> baseline) => values.Zip(baseline, (v, b) => v / b).ToList();

        static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

        static string Micro(double us) => us >= 1000 ? Format($"{us / 1000:0.00} ms") : Format($"{us:0.0} us");
    }

    private static double Quantile(List<double> values, double q)
    {
        double[] sorted = [.. values.Order()];
        double position = q * (sorted.Length - 1);
        int low = (int)Math.Floor(position);
        int high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + ((sorted[high] - sorted[low]) * (position - low));
    }
}
