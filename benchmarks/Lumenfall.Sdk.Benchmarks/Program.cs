using Lumenfall.Sdk.Benchmarks.Modes;
using Lumenfall.Sdk.Benchmarks.Server;

// Lumenfall.Sdk benchmarks: the SDK, a raw HttpClient + System.Text.Json client and OpenAI's .NET client against one
// canned Kestrel server on 127.0.0.1. See benchmarks/README.md.
string mode = args.Length > 0 ? args[0] : string.Empty;
string[] rest = args.Length > 1 ? args[1..] : [];
switch (mode)
{
    case "check":
    {
        await using BenchServer server = await BenchServer.StartAsync();
        return await CheckMode.RunAsync(server, Console.Out);
    }

    case "bench":
        return await BenchMode.RunAsync(rest);

    case "startup":
        return await StartupMode.RunAsync(rest, Console.Out);

    case "startup-child" when rest.Length == 2:
        return await StartupMode.ChildAsync(rest[0], rest[1]);

    case "memory":
        return await MemoryMode.RunAsync(Console.Out);

    case "memory-child" when rest.Length == 3:
        return await MemoryMode.ChildAsync(rest[0], rest[1], rest[2]);

    case "concurrency":
        return await ConcurrencyMode.RunAsync(rest, Console.Out);

    case "alloc":
        return await AllocMode.RunAsync(Console.Out);

    case "alloc-child" when rest.Length == 2:
        return await AllocMode.ChildAsync(rest[0], rest[1]);

    case "paired":
        return await PairedMode.RunAsync(rest, Console.Out);

    case "serve":
    {
        await using BenchServer server = await BenchServer.StartAsync();
        Console.WriteLine($"serving on {server.BaseAddress}; Ctrl+C stops");
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
        }

        return 0;
    }

    default:
        Console.Error.WriteLine("""
            usage: dotnet run -c Release --project benchmarks/Lumenfall.Sdk.Benchmarks -- <mode>
              check                      each case once per client; exit 1 if the clients' results differ
              bench [BenchmarkDotNet]    check, then BenchmarkDotNet (e.g. --filter *Url* or --anyCategories url)
              startup [runs] [--sdk dll] fresh processes: the first call's time to the wire and to the result, per client (median of 7); the CLI against curl;
                                         --sdk: the Lumenfall.Sdk.dll the children load (the package's ReadyToRun build for this machine)
              memory                     one fresh process per client: peak working set receiving and saving the 16 MiB image
              concurrency [--calls N]    N (default 1000) concurrent URL generations per client: wall time, failures, connections
              paired [--rounds N]        time ratios from interleaved rounds (median), robust to a noisy machine
              alloc                      one fresh process per client: bytes per call and the types allocated (sampled)
              serve                      run the canned server until Ctrl+C
            """);
        return 2;
}
