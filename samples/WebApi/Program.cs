// WebApi: Lumenfall.Sdk in an ASP.NET Core API with Aspire-style service defaults. With no API key configured
// (LUMENFALL_API_KEY, FAL_KEY, OMNIROUTERS_API_KEY or the Lumenfall section), the offline emulator stands in and the
// app says so in its log. Try: curl -X POST localhost:5000/images -H 'content-type: application/json' \
//   -d '{"model":"flux.2-dev","prompt":"a lighthouse at dusk","parameters":{"size":"1024x768"}}'
using Lumenfall.Sdk;
using Lumenfall.Sdk.Testing;
using WebApi;

// The content root is the app's own folder, so appsettings.json is read wherever the app is started from.
WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddServiceDefaults();

LumenfallEmulator? emulator = HasAnyKey(builder.Configuration) ? null : await LumenfallEmulator.StartAsync();
if (emulator is not null)
{
    builder.Services.AddSingleton(emulator);   // stopped with the app
}

builder.Services.AddLumenfall(builder.Configuration, options => emulator?.Configure(options));

WebApplication app = builder.Build();
if (emulator is not null)
{
    Log.UsingEmulator(app.Logger, emulator.BaseAddress);
}

app.MapDefaultEndpoints();
app.MapImageEndpoints();
await app.RunAsync();

static bool HasAnyKey(IConfiguration configuration) =>
    Log.KeySettings.Any(key => !string.IsNullOrWhiteSpace(configuration[key]));

/// <summary>The application's entry point; public so that tests can host it with <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;

/// <summary>The app's own log lines, and where it looks for keys.</summary>
internal static partial class Log
{
    /// <summary>The settings any of which holds a key: the Lumenfall section, then the SDK's environment variables.</summary>
    public static readonly string[] KeySettings =
        ["Lumenfall:Gateway:ApiKey", "Lumenfall:Fal:ApiKey", "Lumenfall:OmniRouters:ApiKey", "LUMENFALL_API_KEY", "FAL_KEY", "OMNIROUTERS_API_KEY"];

    [LoggerMessage(Level = LogLevel.Warning, Message = "No API key is configured: images come from the offline emulator at {Address}.")]
    public static partial void UsingEmulator(ILogger logger, Uri address);
}
