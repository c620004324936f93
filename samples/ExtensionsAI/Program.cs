// ExtensionsAI: one Microsoft.Extensions.AI IImageGenerator code path; the model comes from configuration.
//   dotnet run --project samples/ExtensionsAI                                        (GPT Image 2, from appsettings.json)
//   dotnet run --project samples/ExtensionsAI -- --ImageGeneration:Model=flux.2-dev
//   dotnet run --project samples/ExtensionsAI -- --ImageGeneration:Model=omnigen-v1  (fal.ai, through its queue)
// Keys come from the environment (LUMENFALL_API_KEY, FAL_KEY); with none set, the offline emulator stands in.
using System.Drawing;
using Lumenfall.Sdk;
using Lumenfall.Sdk.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

bool offline = Environment.GetEnvironmentVariable("LUMENFALL_API_KEY") is null && Environment.GetEnvironmentVariable("FAL_KEY") is null;
await using LumenfallEmulator? emulator = offline ? await LumenfallEmulator.StartAsync() : null;
Console.Error.WriteLine(emulator is null ? "Using the real services." : $"No LUMENFALL_API_KEY or FAL_KEY: using the offline emulator at {emulator.BaseAddress}.");

HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
IConfigurationSection settings = builder.Configuration.GetSection("ImageGeneration");
string model = settings["Model"] ?? "gpt-image-2";
builder.Services.AddLumenfall(builder.Configuration, options => emulator?.Configure(options))
    .AddImageGenerator(model);
using IHost host = builder.Build();

// From here on the code knows only IImageGenerator: the same lines serve every model.
IImageGenerator generator = host.Services.GetRequiredService<IImageGenerator>();
var options = new ImageGenerationOptions
{
    ImageSize = new Size(settings.GetValue("Width", 1024), settings.GetValue("Height", 1024)),
    Count = settings.GetValue("Count", 1),
    ResponseFormat = ImageGenerationResponseFormat.Data,
};
ImageGenerationResponse response = await generator.GenerateImagesAsync("a lighthouse on a cliff at dawn, watercolor", options);

ImageGeneratorMetadata metadata = generator.GetRequiredService<ImageGeneratorMetadata>();
Console.WriteLine($"{metadata.DefaultModelId} on {metadata.ProviderName}: {response.Contents.Count} image(s)");
int index = 0;
foreach (DataContent image in response.Contents.OfType<DataContent>())
{
    string path = Path.GetFullPath($"extensions-ai-{index++}{(image.MediaType == "image/jpeg" ? ".jpg" : ".png")}");
    await File.WriteAllBytesAsync(path, image.Data.ToArray());
    Console.WriteLine($"  {path}  {image.MediaType}, asked {image.AdditionalProperties?[LumenfallImageGenerator.SizeRequestedKey]}, sent {image.AdditionalProperties?[LumenfallImageGenerator.SizeSentKey]}");
}

if (response.Usage is { } usage)
{
    Console.WriteLine($"  tokens: {usage.InputTokenCount} in, {usage.OutputTokenCount} out");
}
