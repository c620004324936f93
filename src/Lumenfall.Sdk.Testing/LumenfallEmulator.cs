using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Lumenfall.Sdk.Testing.Fakes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lumenfall.Sdk.Testing;

/// <summary>
/// An offline emulator of the three services Lumenfall.Sdk talks to, on a real Kestrel server bound to 127.0.0.1:
/// the Lumenfall gateway (generations, multipart edits, models, <c>?schema=true</c>, <c>?dryRun=true</c>, errors), fal
/// (sync, queue with positions, logs, metrics, cancel, the status stream, results, storage uploads) and OmniRouters
/// (sync and async tasks). It returns real PNG or JPEG images, deterministic from prompt and seed, as URLs it serves
/// or as base64. <see cref="Faults"/> injects failures; <see cref="Requests"/> logs what arrived.
/// </summary>
public sealed class LumenfallEmulator : IAsyncDisposable
{
    /// <summary>The key the emulator hands to clients it configures; any non-empty key is accepted.</summary>
    public const string ApiKey = "emulator-key";

    private readonly EmulatorState _state;
    private readonly ConcurrentQueue<EmulatorRequest> _requests = new();
    private WebApplication? _app;

    private LumenfallEmulator(EmulatorOptions options)
    {
        _state = new EmulatorState(options, Faults);
        Webhooks = new EmulatorWebhooks(() => _state.BaseAddress, options);
        _state.Webhooks = Webhooks;
    }

    /// <summary>Gets fal's webhooks, emulated: the signing key, its JWKS, the delivery attempts, and faults for the next delivery.</summary>
    public EmulatorWebhooks Webhooks { get; }

    /// <summary>Gets the server's address, for example <c>http://127.0.0.1:51234</c>.</summary>
    public Uri BaseAddress => _state.BaseAddress;

    /// <summary>Gets the Lumenfall gateway endpoint (use as <c>LUMENFALL_BASE_URL</c>).</summary>
    public Uri GatewayEndpoint => new(BaseAddress, "lumenfall/openai/v1");

    /// <summary>Gets fal's sync endpoint (use as <c>FAL_RUN_BASE_URL</c>).</summary>
    public Uri FalRunEndpoint => new(BaseAddress, "fal-run");

    /// <summary>Gets fal's queue endpoint (use as <c>FAL_QUEUE_BASE_URL</c>).</summary>
    public Uri FalQueueEndpoint => new(BaseAddress, "fal-queue");

    /// <summary>Gets fal's storage API endpoint.</summary>
    public Uri FalStorageEndpoint => new(BaseAddress, "fal-rest");

    /// <summary>Gets the OmniRouters endpoint (use as <c>OMNIROUTERS_BASE_URL</c>).</summary>
    public Uri OmniRoutersEndpoint => new(BaseAddress, "omnirouters/v1");

    /// <summary>Gets the faults waiting to be injected.</summary>
    public EmulatorFaults Faults { get; } = new();

    /// <summary>Gets every request received so far, in order.</summary>
    public IReadOnlyList<EmulatorRequest> Requests => [.. _requests];

    /// <summary>Starts an emulator.</summary>
    /// <param name="options">Port and behaviour; defaults when null.</param>
    /// <param name="cancellationToken">Stops the start.</param>
    /// <returns>The running emulator; dispose it to stop.</returns>
    public static async Task<LumenfallEmulator> StartAsync(EmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        var emulator = new LumenfallEmulator(options ?? new EmulatorOptions());
        await emulator.StartCoreAsync(cancellationToken).ConfigureAwait(false);
        return emulator;
    }

    /// <summary>Points <paramref name="options"/> at this emulator, with placeholder keys for services that have none.</summary>
    /// <param name="options">The options to change.</param>
    public void Configure(LumenfallOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Gateway.Endpoint = GatewayEndpoint;
        options.Fal.Endpoint = FalRunEndpoint;
        options.Fal.QueueEndpoint = FalQueueEndpoint;
        options.Fal.StorageEndpoint = FalStorageEndpoint;
        options.OmniRouters.Endpoint = OmniRoutersEndpoint;
        foreach (ServiceOptions service in new ServiceOptions[] { options.Gateway, options.Fal, options.OmniRouters })
        {
            service.ApiKey = string.IsNullOrEmpty(service.ApiKey) ? ApiKey : service.ApiKey;
        }
    }

    /// <summary>Creates a client pointed at this emulator.</summary>
    /// <param name="configure">Adjusts the options afterwards (for example faster polling).</param>
    /// <returns>The client.</returns>
    public ImageClient CreateClient(Action<LumenfallOptions>? configure = null)
    {
        var options = new LumenfallOptions();
        Configure(options);
        configure?.Invoke(options);
        return new ImageClient(options);
    }

    /// <summary>The environment variables that point the SDK (or the CLI) at this emulator.</summary>
    /// <returns>Variable names and values.</returns>
    public IReadOnlyDictionary<string, string> EnvironmentVariables() => new Dictionary<string, string>
    {
        [LumenfallEnvironment.LumenfallBaseUrl] = GatewayEndpoint.AbsoluteUri,
        [LumenfallEnvironment.FalRunBaseUrl] = FalRunEndpoint.AbsoluteUri,
        [LumenfallEnvironment.FalQueueBaseUrl] = FalQueueEndpoint.AbsoluteUri,
        [LumenfallEnvironment.FalStorageBaseUrl] = FalStorageEndpoint.AbsoluteUri,
        [LumenfallEnvironment.OmniRoutersBaseUrl] = OmniRoutersEndpoint.AbsoluteUri,
        [LumenfallEnvironment.LumenfallApiKey] = ApiKey,
        [LumenfallEnvironment.FalKey] = ApiKey,
        [LumenfallEnvironment.OmniRoutersApiKey] = ApiKey,
    };

    /// <summary>Waits until the emulator is stopped (Ctrl+C in a console host) or <paramref name="cancellationToken"/> fires.</summary>
    /// <param name="cancellationToken">Stops the emulator.</param>
    /// <returns>A task that completes when stopped.</returns>
    public async Task RunUntilStoppedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        // An embedded server: the process that hosts it owns Ctrl+C and SIGTERM (a console lifetime would stop the
        // emulator behind its owner's back, and keep a CLI from ending on SIGTERM).
        builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, _state.Options.Port));
        WebApplication app = builder.Build();
        app.Use(InterceptAsync);

        var images = new FakeImages(_state);
        var gateway = new LumenfallGatewayFake(_state, images);
        var fal = new FalQueueFake(_state, images);
        var omniRouters = new OmniRoutersFake(_state, images);

        // Lumenfall gateway
        app.MapPost("/lumenfall/openai/v1/images/generations", ctx => gateway.ImagesAsync(ctx, edit: false));
        app.MapPost("/lumenfall/openai/v1/images/edits", ctx => gateway.ImagesAsync(ctx, edit: true));
        app.MapGet("/lumenfall/openai/v1/models", LumenfallGatewayFake.ModelsAsync);
        app.MapGet("/lumenfall/openai/v1/models/{**id}", LumenfallGatewayFake.ModelAsync);

        // fal: sync, queue, storage
        app.MapPost("/fal-queue/{owner}/{app}/requests/{id}/status", ctx => FakeHttp.Refuse(ctx, HttpStatusCode.MethodNotAllowed));
        app.MapGet("/fal-queue/{owner}/{app}/requests/{id}/status/stream", fal.StatusStreamAsync);
        app.MapGet("/fal-queue/{owner}/{app}/requests/{id}/status", fal.StatusAsync);
        app.MapGet("/fal-rest/.well-known/jwks.json", ctx => FakeHttp.JsonAsync(ctx, Webhooks.Jwks()));
        app.MapPut("/fal-queue/{owner}/{app}/requests/{id}/cancel", fal.CancelAsync);
        app.MapGet("/fal-queue/{owner}/{app}/requests/{id}", fal.ResultAsync);
        app.MapPost("/fal-queue/{**endpoint}", fal.SubmitAsync);
        app.MapPost("/fal-run/{**endpoint}", fal.RunAsync);
        app.MapPost("/fal-rest/storage/upload/initiate", fal.InitiateUploadAsync);
        app.MapPut("/fal-storage/{name}", fal.UploadAsync);

        // OmniRouters
        app.MapPost("/omnirouters/v1/images/generations", omniRouters.CreateAsync);
        app.MapGet("/omnirouters/v1/images/generations/{taskId}", omniRouters.TaskAsync);

        app.MapGet("/files/{name}", images.ServeAsync);

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _state.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        _app = app;
    }

    /// <summary>Adds what the body held to the log entry, leaving the body readable for the fakes.</summary>
    private static async Task<EmulatorRequest> WithBodyAsync(EmulatorRequest logged, HttpRequest request)
    {
        const int MaxLogged = 1024 * 1024;
        bool form = request.HasFormContentType;
        if (!form && (request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) != true || request.ContentLength is not (> 0 and <= MaxLogged)))
        {
            return logged;
        }

        request.EnableBuffering();
        try
        {
            if (form)
            {
                IFormCollection fields = await request.ReadFormAsync(request.HttpContext.RequestAborted).ConfigureAwait(false);
                return logged with
                {
                    FormFields = fields.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal),
                    FileParts = [.. fields.Files.Select(f => f.Name)],
                };
            }

            using var reader = new StreamReader(request.Body, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
            return logged with { Json = await reader.ReadToEndAsync(request.HttpContext.RequestAborted).ConfigureAwait(false) };
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or OperationCanceledException or BadHttpRequestException)
        {
            return logged;   // a body that cannot be read is the fakes' to refuse; the log keeps the request without it
        }
        finally
        {
            if (request.Body.CanSeek)
            {
                request.Body.Position = 0;   // the fakes read the body again from its start
            }
        }
    }

    private async Task InterceptAsync(HttpContext context, Func<Task> next)
    {
        HttpRequest request = context.Request;
        string? scheme = request.Headers.Authorization.ToString().Split(' ', 2)[0] is { Length: > 0 } s ? s : null;
        var logged = new EmulatorRequest(request.Method, request.Path.Value ?? "/", request.QueryString.Value ?? string.Empty, scheme, request.ContentType, request.Headers["X-Client-Request-Id"].FirstOrDefault());
        _requests.Enqueue(await WithBodyAsync(logged, request).ConfigureAwait(false));

        if (Faults.Take(request.Method, request.Path.Value ?? "/") is { } fault)
        {
            if (fault.Delay is TimeSpan delay)
            {
                await Task.Delay(delay, _state.Options.TimeProvider, context.RequestAborted).ConfigureAwait(false);
            }

            if (fault.DropConnection)
            {
                context.Abort();
                return;
            }

            if (fault.StatusCode is HttpStatusCode status)
            {
                context.Response.StatusCode = (int)status;
                foreach ((string name, string value) in fault.Headers)
                {
                    context.Response.Headers[name] = value;
                }

                context.Response.ContentType = "application/json";
                byte[] body = Encoding.UTF8.GetBytes(fault.Body ?? "{}");
                if (fault.CutBodyAfterBytes is int cut)
                {
                    await SendCutAsync(context, body, cut).ConfigureAwait(false);
                    return;
                }

                await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
                return;
            }

            if (fault.MalformedJson)
            {
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("""{"data":[{"url":"http://broken""", context.RequestAborted).ConfigureAwait(false);
                return;
            }

            if (fault.CutBodyAfterBytes is int cutAfter)
            {
                byte[] whole = await RenderAsync(context, next).ConfigureAwait(false);
                await SendCutAsync(context, whole, cutAfter).ConfigureAwait(false);
                return;
            }

            if (fault.TruncatedJson)
            {
                byte[] whole = await RenderAsync(context, next).ConfigureAwait(false);
                context.Response.ContentLength = null;
                await context.Response.Body.WriteAsync(whole.AsMemory(0, whole.Length / 2), context.RequestAborted).ConfigureAwait(false);
                return;
            }
        }

        await next().ConfigureAwait(false);
    }

    /// <summary>Runs the real handler into memory and returns the body it wrote (status and headers stay on the response).</summary>
    private static async Task<byte[]> RenderAsync(HttpContext context, Func<Task> next)
    {
        Stream original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next().ConfigureAwait(false);
        }
        finally
        {
            context.Response.Body = original;
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// Declares the whole body's length, sends only its first <paramref name="sent"/> bytes and ends the request:
    /// Kestrel sees too few bytes written and closes the connection after flushing what was sent, so the client gets
    /// the status, the headers and part of the body, then the end of the connection.
    /// </summary>
    private static async Task SendCutAsync(HttpContext context, byte[] body, int sent)
    {
        int length = Math.Clamp(sent, 0, Math.Max(0, body.Length - 1));
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body.AsMemory(0, length), context.RequestAborted).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>A host lifetime that leaves the process's signals alone: the emulator stops when it is disposed.</summary>
    private sealed class EmbeddedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
