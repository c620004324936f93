using Lumenfall.Sdk.Testing;

namespace Lumenfall.Sdk.IntegrationTests;

/// <summary>The emulator's queued jobs take exactly the configured number of status looks.</summary>
public sealed class EmulatorJobTests : IAsyncLifetime
{
    private LumenfallEmulator _emulator = null!;

    public async Task InitializeAsync() => _emulator = await LumenfallEmulator.StartAsync(new EmulatorOptions { MaxSide = 64, QueuedPolls = 2, RunningPolls = 2 });

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task A_fal_job_completes_on_status_look_queued_plus_running_counting_the_submit_reply()
    {
        ImageClient client = _emulator.CreateClient(o =>
        {
            o.Fal.Polling.InitialInterval = TimeSpan.FromMilliseconds(1);
            o.Fal.Polling.MaxInterval = TimeSpan.FromMilliseconds(2);
        });
        var seen = new List<string?>();

        ImageOperation operation = await client.StartAsync(new OmniGenV1Request("a fox"));
        await operation.WaitForCompletionAsync(new SynchronousProgress(u => seen.Add(u.RawStatus)));

        seen.Should().Equal("IN_QUEUE", "IN_PROGRESS", "IN_PROGRESS", "COMPLETED");
        _emulator.Requests.Count(r => r.Path.EndsWith("/status", StringComparison.Ordinal)).Should().Be(4);
    }

    private sealed class SynchronousProgress(Action<OperationUpdate> report) : IProgress<OperationUpdate>
    {
        public void Report(OperationUpdate value) => report(value);
    }
}
