using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Lumenfall.Sdk.Benchmarks.Clients;
using Lumenfall.Sdk.Benchmarks.Server;

namespace Lumenfall.Sdk.Benchmarks.Modes;

/// <summary>
/// One category per case; in each the raw client is the baseline, so Ratio and Alloc Ratio read "× raw". The
/// server is the one <see cref="BenchMode"/> started in its own process (its address comes in
/// <see cref="ServerVariable"/>), so the allocations measured here are the client's alone; without the variable
/// (for example with --inProcess) the benchmark starts its own server in this process.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ClientBenchmarks
{
    public const string ServerVariable = "LUMENFALL_BENCH_SERVER";

    private const string Url = "url";
    private const string Base64Small = "base64-1MiB";
    private const string Base64Large = "base64-16MiB";
    private const string Edit = "edit-2x1MiB";
    private const string Fal = "fal-queue";

    private BenchServer? _ownServer;
    private SdkCalls _sdk = null!;
    private RawCalls _raw = null!;
    private OpenAICalls _openai = null!;
    private byte[] _editA = [];
    private byte[] _editB = [];

    [GlobalSetup]
    public async Task SetupAsync()
    {
        string? server = Environment.GetEnvironmentVariable(ServerVariable);
        if (string.IsNullOrEmpty(server))
        {
            _ownServer = await BenchServer.StartAsync();
            server = _ownServer.BaseAddress;
        }

        _sdk = new SdkCalls(server);
        _raw = new RawCalls(server);
        _openai = new OpenAICalls(server);
        _editA = Payloads.Image(Payloads.OneMiB, Payloads.EditSeedA);
        _editB = Payloads.Image(Payloads.OneMiB, Payloads.EditSeedB);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _raw.Dispose();
        if (_ownServer is not null)
        {
            await _ownServer.DisposeAsync();
        }
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory(Url)]
    public Task<string> UrlRaw() => _raw.UrlAsync();

    [Benchmark]
    [BenchmarkCategory(Url)]
    public Task<Uri> UrlSdk() => _sdk.UrlAsync();

    [Benchmark]
    [BenchmarkCategory(Url)]
    public Task<Uri> UrlOpenAI() => _openai.UrlAsync();

    [Benchmark(Baseline = true)]
    [BenchmarkCategory(Base64Small)]
    public Task<byte[]> Base64SmallRaw() => _raw.Base64Async(Prompts.Base64Small);

    [Benchmark]
    [BenchmarkCategory(Base64Small)]
    public Task<ReadOnlyMemory<byte>> Base64SmallSdk() => _sdk.Base64Async(Prompts.Base64Small);

    [Benchmark]
    [BenchmarkCategory(Base64Small)]
    public Task<BinaryData> Base64SmallOpenAI() => _openai.Base64Async(Prompts.Base64Small);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory(Base64Large)]
    public Task<byte[]> Base64LargeRaw() => _raw.Base64Async(Prompts.Base64Large);

    [Benchmark]
    [BenchmarkCategory(Base64Large)]
    public Task<ReadOnlyMemory<byte>> Base64LargeSdk() => _sdk.Base64Async(Prompts.Base64Large);

    [Benchmark]
    [BenchmarkCategory(Base64Large)]
    public Task<BinaryData> Base64LargeOpenAI() => _openai.Base64Async(Prompts.Base64Large);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory(Edit)]
    public Task<string> EditRaw() => _raw.EditAsync(_editA, _editB);

    [Benchmark]
    [BenchmarkCategory(Edit)]
    public Task<Uri> EditSdk() => _sdk.EditAsync(_editA, _editB);

    [Benchmark]
    [BenchmarkCategory(Edit)]
    public Task<Uri> EditOpenAI() => _openai.EditAsync(_editA, _editB);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory(Fal)]
    public Task<string> FalRaw() => _raw.FalAsync();

    [Benchmark]
    [BenchmarkCategory(Fal)]
    public Task<Uri> FalSdk() => _sdk.FalAsync();
}
