using System.Text.Json.Nodes;
using Lumenfall.Sdk.Testing;

namespace Lumenfall.Sdk.AI.Tests;

/// <summary>One emulator per test class, drawing small images (the request log shows the sizes asked for).</summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    public LumenfallEmulator Emulator { get; private set; } = null!;

    /// <summary>A client against the emulator, polling fast (real time: these tests talk to a real server).</summary>
    public ImageClient Client(Action<LumenfallOptions>? configure = null) => Emulator.CreateClient(o =>
    {
        Fast(o);
        configure?.Invoke(o);
    });

    public static void Fast(LumenfallOptions options)
    {
        foreach (ServiceOptions service in new ServiceOptions[] { options.Gateway, options.Fal, options.OmniRouters })
        {
            service.Polling.InitialInterval = TimeSpan.FromMilliseconds(5);
            service.Polling.MaxInterval = TimeSpan.FromMilliseconds(20);
        }
    }

    /// <summary>The requests logged since <paramref name="mark"/> (a count of <see cref="LumenfallEmulator.Requests"/>).</summary>
    public IReadOnlyList<EmulatorRequest> Since(int mark) => [.. Emulator.Requests.Skip(mark)];

    /// <summary>The billable requests since <paramref name="mark"/>: generations, edits and queue submits.</summary>
    public IReadOnlyList<EmulatorRequest> BillableSince(int mark) =>
        [.. Since(mark).Where(r => r.Method == "POST" && !r.Path.Contains("/storage/", StringComparison.Ordinal) && !r.Path.EndsWith("/cancel", StringComparison.Ordinal))];

    /// <summary>What a billable request carried: its JSON body, or its multipart text fields as a JSON object.</summary>
    public static JsonObject Body(EmulatorRequest request) =>
        request.Json is { } json ? JsonNode.Parse(json)!.AsObject() : new JsonObject([.. request.FormFields.Select(f => KeyValuePair.Create(f.Key, (JsonNode?)f.Value))]);

    public async Task InitializeAsync() => Emulator = await LumenfallEmulator.StartAsync(new EmulatorOptions { MaxSide = 64, QueuedPolls = 1, RunningPolls = 1 });

    public async Task DisposeAsync() => await Emulator.DisposeAsync();
}
