// DependencyInjection: the Generic Host, appsettings.json and AddLumenfall(). Keys come from the environment
// (LUMENFALL_API_KEY, FAL_KEY, OMNIROUTERS_API_KEY); with none set, the offline emulator stands in for all three.
using Lumenfall.Sdk;
using Lumenfall.Sdk.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

LumenfallEmulator? emulator = Environment.GetEnvironmentVariable("LUMENFALL_API_KEY") is null ? await LumenfallEmulator.StartAsync() : null;
// The content root is the app's own folder, so appsettings.json is read wherever the app is started from.
HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Services.AddLumenfall(builder.Configuration, options =>
{
    if (emulator is not null)
    {
        emulator.Configure(options);
        options.OmniRouters.Polling.InitialInterval = TimeSpan.FromMilliseconds(100);   // the emulator answers at once; the real service asks for 5 s
    }
});
builder.Services.AddHostedService<PosterService>();

using IHost host = builder.Build();
await host.RunAsync();
if (emulator is not null)
{
    await emulator.DisposeAsync();
}

/// <summary>An app service that takes <see cref="ImageClient"/> from the container, makes one poster, and stops the host.</summary>
internal sealed class PosterService(ImageClient images, IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        ImageGenerationResult poster = await images.GenerateAsync(new GptImage2GenerationRequest("a minimalist poster that reads READ MORE BOOKS") { Size = "1024x1536" }, cancellationToken: stoppingToken);
        Console.WriteLine($"{poster.ModelId} via {poster.Provider}: {await poster.Images[0].SaveAsync("di-poster", stoppingToken)}");
        ImageGenerationResult omni = await images.GenerateAsync(new OmniImageRequest(OmniImageModel.Seedream45, "a kitten by the window") { ImageCount = 2 }, cancellationToken: stoppingToken);
        Console.WriteLine($"omni-image task {omni.RequestId}: {omni.Images.Count} images");
        lifetime.StopApplication();
    }
}
