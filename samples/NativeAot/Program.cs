// NativeAot: Lumenfall.Sdk compiled ahead of time. Point it at a service with the usual variables (LUMENFALL_API_KEY,
// FAL_KEY, the *_BASE_URL overrides; `lumenfall emulator` prints them for the offline emulator), then run
// `NativeAot <folder>`: it writes one image per step into the folder and prints each path.
using Lumenfall.Sdk;
using Microsoft.Extensions.DependencyInjection;

string folder = Directory.CreateDirectory(args.Length > 0 ? args[0] : "native-aot-images").FullName;

// 1. A client from the environment: a FLUX.2 [dev] generation on the gateway.
ImageClient client = ImageClient.FromEnvironment(Brisk);
ImageGenerationResult generated = await client.GenerateAsync(new Flux2DevGenerationRequest("a lighthouse at dusk") { Size = "64x64" });
string lighthouse = await generated.Images[0].SaveAsync(Path.Combine(folder, "generated"));
Console.WriteLine($"generate ({generated.ModelId}): {lighthouse}");

// 2. The same SDK from a container: AddLumenfall() and its singleton client.
var services = new ServiceCollection();
services.AddLumenfall(Brisk);
await using ServiceProvider provider = services.BuildServiceProvider();
ImageClient hosted = provider.GetRequiredService<ImageClient>();

// 3. A queued fal job: started, then followed through its rehydration token as another process would.
ImageOperation started = await hosted.StartAsync(new OmniGenV1Request("a red fox in snow") { Size = new ImageSize(64, 64) });
ImageGenerationResult queued = await hosted.ResumeOperation(started.RehydrationToken!).WaitForCompletionAsync();
Console.WriteLine($"fal queue ({started.Id}): {await queued.Images[0].SaveAsync(Path.Combine(folder, "queued"))}");

// 4. A multipart edit of the first image.
ImageGenerationResult edited = await hosted.GenerateAsync(new GptImage2EditRequest("add a red hat", [ImageInput.FromFile(lighthouse)]));
Console.WriteLine($"edit ({edited.ModelId}): {await edited.Images[0].SaveAsync(Path.Combine(folder, "edited"))}");

// Polls briskly: the emulator answers at once (the real services are polled at their own pace by default).
static void Brisk(LumenfallOptions options)
{
    options.Fal.Polling.InitialInterval = TimeSpan.FromMilliseconds(50);
    options.Fal.Polling.MaxInterval = TimeSpan.FromMilliseconds(200);
}
