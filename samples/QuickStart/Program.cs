// QuickStart: one typed request per service. With no API keys set, it runs against the offline emulator.
using Lumenfall.Sdk;
using Lumenfall.Sdk.Testing;

await using LumenfallEmulator? emulator = Environment.GetEnvironmentVariable("LUMENFALL_API_KEY") is null
    ? await LumenfallEmulator.StartAsync()
    : null;
ImageClient client = emulator?.CreateClient() ?? ImageClient.FromEnvironment();
Console.Error.WriteLine(emulator is null ? "Using the real services." : $"No LUMENFALL_API_KEY: using the offline emulator at {emulator.BaseAddress}.");

// Lumenfall gateway: FLUX.2 [dev], text to image.
ImageGenerationResult flux = await client.GenerateAsync(new Flux2DevGenerationRequest("a capybara reading in a sunlit bookstore")
{
    Size = new ImageSize(1024, 768),
    OutputFormat = OutputFormat.Png,
});
Console.WriteLine($"flux.2-dev → {await flux.Images[0].SaveAsync("quickstart-flux")} (request {flux.RequestId})");

// fal.ai: OmniGen v1 through the queue.
ImageGenerationResult omnigen = await client.GenerateAsync(new OmniGenV1Request("neon words 'Omni Gen' in a future city") { Size = ImageSize.Landscape16x9 });
Console.WriteLine($"omnigen-v1 → {await omnigen.Images[0].SaveAsync("quickstart-omnigen")} (seed {omnigen.Seed})");

// OmniRouters: Omni-Image with Nano-Banana2.
ImageGenerationResult omni = await client.GenerateAsync(new OmniImageRequest(OmniImageModel.NanoBanana2, "a girl on the beach looking back") { Resolution = "1K", AspectRatio = AspectRatio.Landscape16x9 });
Console.WriteLine($"omni-image → {await omni.Images[0].SaveAsync("quickstart-omni")}");
