using Lumenfall.Sdk.Testing;

namespace Lumenfall.Sdk.IntegrationTests.Contracts;

/// <summary>
/// An emulator for the response contract tests. Its largest side is 1536 so that the three sizes OpenAI's
/// ImagesResponse enumerates (1024x1024, 1536x1024, 1024x1536) come back as asked.
/// </summary>
public sealed class ContractEmulatorFixture : IAsyncLifetime
{
    public LumenfallEmulator Emulator { get; private set; } = null!;

    /// <summary>A client against the emulator whose replies <paramref name="recorder"/> records; polling fast.</summary>
    public ImageClient Client(ResponseRecorder recorder, Action<LumenfallOptions>? configure = null)
    {
        var options = new LumenfallOptions();
        Emulator.Configure(options);
        foreach (ServiceOptions service in new ServiceOptions[] { options.Gateway, options.Fal, options.OmniRouters })
        {
            service.Polling.InitialInterval = TimeSpan.FromMilliseconds(5);
            service.Polling.MaxInterval = TimeSpan.FromMilliseconds(20);
            service.Retry.MaxRetries = 0;
        }

        configure?.Invoke(options);
        return new ImageClient(options, recorder);
    }

    public async Task InitializeAsync() => Emulator = await LumenfallEmulator.StartAsync(new EmulatorOptions { MaxSide = 1536 });

    public async Task DisposeAsync() => await Emulator.DisposeAsync();
}
