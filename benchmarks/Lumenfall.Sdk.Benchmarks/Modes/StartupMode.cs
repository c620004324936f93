using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Lumenfall.Sdk.Benchmarks.Clients;
using Lumenfall.Sdk.Benchmarks.Server;
using Microsoft.Extensions.DependencyInjection;

namespace Lumenfall.Sdk.Benchmarks.Modes;

/// <summary>
/// The first call in a fresh process: for each client, runs of this program again (<c>startup-child CLIENT SERVER</c>)
/// that make one URL-result generation against the server in this process. Measured from the child's process start:
/// the time until the request reached the server (the server's clock) and until the child had the result. Clients
/// take turns, run after run, so a noisy moment hits all of them; the median of the runs is reported, with ratios.
/// Also the <c>lumenfall</c> CLI's wall time for the same request, beside <c>curl</c>'s.
/// </summary>
internal static class StartupMode
{
    // raw-di: the raw client over IHttpClientFactory in a fresh ServiceCollection, the floor of any client registered the
    // way AddLumenfall registers (a container, the factory, a named client's handler chain).
    private static readonly string[] Clients = ["raw", "raw-di", "openai", "sdk", "sdk-di"];

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        int runs = args.Length > 0 && int.TryParse(args[0], out int n) ? n : 7;
        string? appDirectory = null;
        int sdkOption = Array.IndexOf(args, "--sdk");
        if (sdkOption >= 0 && sdkOption + 1 < args.Length)
        {
            // What a package user loads: this program copied, with the given Lumenfall.Sdk.dll (the package's
            // runtimes/<rid>/lib/net10.0 build, ReadyToRun) in place of the project reference's IL build.
            appDirectory = Directory.CreateTempSubdirectory("lumenfall-startup-app-").FullName;
            foreach (string file in Directory.EnumerateFiles(AppContext.BaseDirectory, "*", SearchOption.AllDirectories))
            {
                string target = Path.Combine(appDirectory, Path.GetRelativePath(AppContext.BaseDirectory, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }

            File.Copy(args[sdkOption + 1], Path.Combine(appDirectory, "Lumenfall.Sdk.dll"), overwrite: true);
            output.WriteLine($"startup: the SDK loaded from {args[sdkOption + 1]}");
        }

        await using BenchServer server = await BenchServer.StartAsync();
        var wire = Clients.ToDictionary(c => c, _ => new List<double>());
        var result = Clients.ToDictionary(c => c, _ => new List<double>());
        for (int run = 0; run < runs; run++)
        {
            foreach (string client in Clients.Skip(run % Clients.Length).Concat(Clients.Take(run % Clients.Length)))
            {
                server.ResetCounters();
                (int code, string text) = await SelfProcess.RunAsync(["startup-child", client, server.BaseAddress], TimeSpan.FromMinutes(2), appDirectory);
                string? line = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault(l => l.StartsWith('{'));
                StartupResult? r = line is null ? null : JsonSerializer.Deserialize(line, StartupJsonContext.Default.StartupResult);
                if (code != 0 || r is null || server.FirstGenerationUtc is not DateTime arrived)
                {
                    output.WriteLine($"startup: {client} failed (exit {code}): {text}");
                    return 1;
                }

                wire[client].Add((arrived - r.StartUtc).TotalMilliseconds);
                result[client].Add((r.DoneUtc - r.StartUtc).TotalMilliseconds);
            }
        }

        output.WriteLine($"startup: first URL-result call in a fresh process, median of {runs} runs per client (ms from process start)");
        output.WriteLine($"  {"client",-8} {"on the wire",12} {"result",10} {"wire/openai",12} {"result/openai",14} {"result/raw",11}  all results");
        double openaiWire = Median(wire["openai"]), openaiResult = Median(result["openai"]), rawResult = Median(result["raw"]);
        foreach (string client in Clients)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {client,-8} {Median(wire[client]),12:0} {Median(result[client]),10:0} {Median(wire[client]) / openaiWire,12:0.00} {Median(result[client]) / openaiResult,14:0.00} {Median(result[client]) / rawResult,11:0.00}  {string.Join(' ', result[client].Select(v => v.ToString("0", CultureInfo.InvariantCulture)))}"));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  the container's share: raw-di - raw {Median(result["raw-di"]) - rawResult:0} ms, sdk-di - sdk {Median(result["sdk-di"]) - Median(result["sdk"]):0} ms"));
        await CliAsync(server, runs, output);
        if (appDirectory is not null)
        {
            Directory.Delete(appDirectory, recursive: true);
        }

        return 0;
    }

    /// <summary>The child: one client, one call; prints its process start and the moment it had the result.</summary>
    public static async Task<int> ChildAsync(string client, string server)
    {
        DateTime start = Process.GetCurrentProcess().StartTime.ToUniversalTime();
        switch (client)
        {
            case "raw":
                using (var raw = new RawCalls(server))
                {
                    await raw.UrlAsync();
                }

                break;
            case "raw-di":
                var rawServices = new ServiceCollection();
                rawServices.AddHttpClient("raw");
                await using (ServiceProvider provider = rawServices.BuildServiceProvider())
                {
                    using var raw = new RawCalls(server, provider.GetRequiredService<IHttpClientFactory>().CreateClient("raw"));
                    await raw.UrlAsync();
                }

                break;
            case "openai":
                await new OpenAICalls(server).UrlAsync();
                break;
            case "sdk":
                await new SdkCalls(server).UrlAsync();
                break;
            case "sdk-di":
                var services = new ServiceCollection();
                services.AddLumenfall(o =>
                {
                    o.Gateway.Endpoint = new Uri(server + "/openai/v1");
                    o.Gateway.ApiKey = Prompts.ApiKey;
                });
                await using (ServiceProvider provider = services.BuildServiceProvider())
                {
                    ImageGenerationResult generated = await provider.GetRequiredService<ImageClient>().GenerateAsync(
                        new GptImage2GenerationRequest(Prompts.Url) { ResponseFormat = ResponseFormat.Url });
                    _ = generated.Images[0].Uri;
                }

                break;
            default:
                Console.Error.WriteLine($"unknown client '{client}'");
                return 2;
        }

        Console.WriteLine(JsonSerializer.Serialize(new StartupResult(start, DateTime.UtcNow), StartupJsonContext.Default.StartupResult));
        return 0;
    }

    /// <summary>The CLI's wall time for one URL-result generation (saved to a file), beside curl sending the same request.</summary>
    private static async Task CliAsync(BenchServer server, int runs, TextWriter output)
    {
        // The CLI's own build output (benchmarks/<project>/bin/<configuration>/<framework>/ → samples/Lumenfall.Cli/bin/…), built first by the project reference.
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string cli = Path.Combine(here.Parent!.Parent!.Parent!.Parent!.Parent!.FullName, "samples", "Lumenfall.Cli", "bin", here.Parent.Name, here.Name, "Lumenfall.Cli.dll");
        if (!File.Exists(cli))
        {
            output.WriteLine($"  cli: {cli} is not built; skipped");
            return;
        }

        string folder = Directory.CreateTempSubdirectory("lumenfall-startup-").FullName;
        var lumenfall = new List<double>();
        var curl = new List<double>();
        for (int run = 0; run < runs; run++)
        {
            lumenfall.Add(await WallAsync("dotnet", [cli, "generate", "--model", "gpt-image-2", "--prompt", Prompts.Url, "--param", "response_format=url", "--output", folder, "--overwrite", "--json"], server));
            curl.Add(await WallAsync("curl", ["-s", "-o", "/dev/null", "-X", "POST", server.BaseAddress + "/openai/v1/images/generations", "-H", "Authorization: Bearer " + Prompts.ApiKey,
                "-H", "Content-Type: application/json", "-d", $$"""{"model":"gpt-image-2","prompt":"{{Prompts.Url}}","response_format":"url"}"""], server));
        }

        Directory.Delete(folder, recursive: true);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  cli: lumenfall generate (URL result, saved) {Median(lumenfall):0} ms, curl (the POST alone) {Median(curl):0} ms, median of {runs} wall times"));
    }

    private static async Task<double> WallAsync(string program, string[] args, BenchServer server)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["LUMENFALL_API_KEY"] = Prompts.ApiKey;
        start.Environment["LUMENFALL_BASE_URL"] = server.BaseAddress + "/openai/v1";
        var clock = Stopwatch.StartNew();
        using Process process = Process.Start(start)!;
        await process.StandardOutput.ReadToEndAsync();
        await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? clock.Elapsed.TotalMilliseconds : double.NaN;
    }

    private static double Median(List<double> values)
    {
        double[] sorted = [.. values.OrderBy(v => v)];
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}

internal sealed record StartupResult(DateTime StartUtc, DateTime DoneUtc);

[JsonSerializable(typeof(StartupResult))]
internal sealed partial class StartupJsonContext : JsonSerializerContext;
