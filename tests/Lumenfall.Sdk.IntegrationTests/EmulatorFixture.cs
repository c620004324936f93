using Lumenfall.Sdk.Testing;

namespace Lumenfall.Sdk.IntegrationTests;

/// <summary>One emulator per test class; each test makes its own clients and faults.</summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    public LumenfallEmulator Emulator { get; private set; } = null!;

    /// <summary>A client against the emulator, polling fast (real time: these tests talk to a real server).</summary>
    public ImageClient Client(Action<LumenfallOptions>? configure = null) => Emulator.CreateClient(o =>
    {
        foreach (ServiceOptions service in new ServiceOptions[] { o.Gateway, o.Fal, o.OmniRouters })
        {
            service.Polling.InitialInterval = TimeSpan.FromMilliseconds(5);
            service.Polling.MaxInterval = TimeSpan.FromMilliseconds(20);
            service.Retry.BaseDelay = TimeSpan.FromMilliseconds(5);
            service.Retry.MaxDelay = TimeSpan.FromMilliseconds(20);
        }

        configure?.Invoke(o);
    });

    public async Task InitializeAsync() => Emulator = await LumenfallEmulator.StartAsync(new EmulatorOptions { MaxSide = 256 });

    public async Task DisposeAsync() => await Emulator.DisposeAsync();
}
