// Webhooks: a minimal API that receives fal's webhooks (MapFalWebhooks) and a queued job that is completed by its
// webhook instead of by polling.
//   dotnet run --project samples/Webhooks
// Without FAL_KEY it runs against the offline emulator (which signs and delivers webhooks like fal), submits one job
// with its own /webhooks/fal as the webhook URL, prints how the result arrived, and exits. With FAL_KEY it serves
// POST /images?prompt=... and needs a URL fal can reach: set Webhooks__PublicBaseUrl (for example a tunnel's https URL).
using Lumenfall.Sdk;
using Lumenfall.Sdk.Testing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

LumenfallEmulator? emulator = Environment.GetEnvironmentVariable("FAL_KEY") is null
    ? await LumenfallEmulator.StartAsync(new EmulatorOptions { WebhookDelay = TimeSpan.FromSeconds(1) })
    : null;

// The content root is the app's own folder, so appsettings.json is read wherever the app is started from.
WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.WebHost.UseUrls(builder.Configuration["Urls"] ?? "http://127.0.0.1:0");
builder.Services.AddLumenfall(builder.Configuration, options => emulator?.Configure(options));
builder.Services.AddFalWebhooks(options =>
{
    if (emulator is not null)
    {
        options.JwksUrl = emulator.Webhooks.JwksUrl;   // the emulator signs with its own key; fal's JWKS is the default
    }
});
builder.Services.AddFalWebhookHandler<LogDelivery>();

WebApplication app = builder.Build();
app.MapFalWebhooks("/webhooks/fal");
app.MapPost("/images", async (string prompt, ImageClient images, IConfiguration configuration, CancellationToken cancellationToken) =>
{
    ImageGenerationResult result = await GenerateAsync(images, PublicBase(app, configuration), prompt, cancellationToken);
    return Results.Ok(new { result.RequestId, Images = result.Images.Select(i => i.Uri) });
});

await app.StartAsync();
if (emulator is not null)
{
    // The one-command demo: submit to the emulator's fal queue with this app's webhook URL, and watch the push arrive.
    ImageClient images = app.Services.GetRequiredService<ImageClient>();
    var clock = System.Diagnostics.Stopwatch.StartNew();
    ImageGenerationResult result = await GenerateAsync(images, PublicBase(app, app.Configuration), "a lighthouse at dusk", CancellationToken.None);
    int polls = emulator.Requests.Count(r => r.Method == "GET" && r.Path.Contains("/requests/", StringComparison.Ordinal));
    Console.WriteLine($"{result.RequestId}: {result.Images.Count} image(s) after {clock.ElapsedMilliseconds} ms, delivered by webhook; status polls: {polls}");
    await app.StopAsync();
    await emulator.DisposeAsync();
    return;
}

await app.WaitForShutdownAsync();

static async Task<ImageGenerationResult> GenerateAsync(ImageClient images, Uri publicBase, string prompt, CancellationToken cancellationToken)
{
    var request = new OmniGenV1Request(prompt) { Submit = new FalSubmitOptions { WebhookUrl = new Uri(publicBase, "webhooks/fal") } };
    ImageOperation operation = await images.StartAsync(request, cancellationToken: cancellationToken);
    Console.WriteLine($"Submitted {operation.Id}; waiting for its webhook (polling only every {images.Options.Fal.Polling.WebhookFallbackInterval.TotalSeconds} s as a fallback).");
    return await operation.WaitForCompletionAsync(cancellationToken);
}

static Uri PublicBase(WebApplication app, IConfiguration configuration) =>
    configuration["Webhooks:PublicBaseUrl"] is { Length: > 0 } configured
        ? new Uri(configured.EndsWith('/') ? configured : configured + "/")
        : new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");

/// <summary>Your code for each verified delivery: here it only says what arrived (store or queue work in a real app).</summary>
internal sealed partial class LogDelivery(ILogger<LogDelivery> logger) : IFalWebhookHandler
{
    public Task HandleAsync(FalWebhookDelivery delivery, CancellationToken cancellationToken)
    {
        Arrived(logger, delivery.RequestId, delivery.Status);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "fal webhook: {RequestId} {Status}")]
    private static partial void Arrived(ILogger logger, string requestId, FalWebhookStatus status);
}
