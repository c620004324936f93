using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
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

    private readonly EmulatorOptions _options;
    private readonly ConcurrentDictionary<string, (byte[] Bytes, string MediaType)> _files = new();
    private readonly ConcurrentDictionary<string, Job> _jobs = new();
    private readonly ConcurrentQueue<EmulatorRequest> _requests = new();
    private WebApplication? _app;
    private int _counter;

    private LumenfallEmulator(EmulatorOptions options) => _options = options;

    /// <summary>Gets the server's address, for example <c>http://127.0.0.1:51234</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Gets the Lumenfall gateway endpoint (use as <c>LUMENFALL_BASE_URL</c>).</summary>
    public Uri LumenfallEndpoint => new(BaseAddress, "lumenfall/openai/v1");

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
        options.Lumenfall.Endpoint = LumenfallEndpoint;
        options.Fal.Endpoint = FalRunEndpoint;
        options.Fal.QueueEndpoint = FalQueueEndpoint;
        options.Fal.StorageEndpoint = FalStorageEndpoint;
        options.OmniRouters.Endpoint = OmniRoutersEndpoint;
        foreach (ServiceOptions service in new ServiceOptions[] { options.Lumenfall, options.Fal, options.OmniRouters })
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
        [LumenfallEnvironment.LumenfallBaseUrl] = LumenfallEndpoint.AbsoluteUri,
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
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, _options.Port));
        WebApplication app = builder.Build();
        app.Use(InterceptAsync);

        // Lumenfall gateway
        app.MapPost("/lumenfall/openai/v1/images/generations", ctx => LumenfallImagesAsync(ctx, edit: false));
        app.MapPost("/lumenfall/openai/v1/images/edits", ctx => LumenfallImagesAsync(ctx, edit: true));
        app.MapGet("/lumenfall/openai/v1/models", LumenfallModelsAsync);
        app.MapGet("/lumenfall/openai/v1/models/{**id}", LumenfallModelAsync);

        // fal: sync, queue, storage
        app.MapPost("/fal-queue/{owner}/{app}/requests/{id}/status", ctx => Refuse(ctx, HttpStatusCode.MethodNotAllowed));
        app.MapGet("/fal-queue/{owner}/{app}/requests/{id}/status/stream", FalStatusStreamAsync);
        app.MapGet("/fal-queue/{owner}/{app}/requests/{id}/status", FalStatusAsync);
        app.MapPut("/fal-queue/{owner}/{app}/requests/{id}/cancel", FalCancelAsync);
        app.MapGet("/fal-queue/{owner}/{app}/requests/{id}", FalResultAsync);
        app.MapPost("/fal-queue/{**endpoint}", FalSubmitAsync);
        app.MapPost("/fal-run/{**endpoint}", FalRunAsync);
        app.MapPost("/fal-rest/storage/upload/initiate", FalInitiateUploadAsync);
        app.MapPut("/fal-storage/{name}", FalUploadAsync);

        // OmniRouters
        app.MapPost("/omnirouters/v1/images/generations", OmniRoutersCreateAsync);
        app.MapGet("/omnirouters/v1/images/generations/{taskId}", OmniRoutersTaskAsync);

        app.MapGet("/files/{name}", FileAsync);

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.TrimEnd('/') + "/");
        _app = app;
    }

    private async Task InterceptAsync(HttpContext context, Func<Task> next)
    {
        HttpRequest request = context.Request;
        string? scheme = request.Headers.Authorization.ToString().Split(' ', 2)[0] is { Length: > 0 } s ? s : null;
        _requests.Enqueue(new EmulatorRequest(request.Method, request.Path.Value ?? "/", request.QueryString.Value ?? string.Empty, scheme, request.ContentType, request.Headers["X-Client-Request-Id"].FirstOrDefault()));

        if (Faults.Take(request.Method, request.Path.Value ?? "/") is { } fault)
        {
            if (fault.Delay is TimeSpan delay)
            {
                await Task.Delay(delay, context.RequestAborted).ConfigureAwait(false);
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

    // ---------------- Lumenfall ----------------

    private async Task LumenfallImagesAsync(HttpContext context, bool edit)
    {
        if (!Authorized(context, "Bearer"))
        {
            await ErrorAsync(context, HttpStatusCode.Unauthorized, "Invalid API key", "authentication_error", "AUTHENTICATION_FAILED").ConfigureAwait(false);
            return;
        }

        JsonObject input;
        int images = 0;
        if (edit)
        {
            if (!context.Request.HasFormContentType)
            {
                await ErrorAsync(context, HttpStatusCode.BadRequest, "Image edits must be sent as multipart/form-data, not JSON.", "invalid_request_error", "INVALID_REQUEST").ConfigureAwait(false);
                return;
            }

            IFormCollection form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
            input = [];
            foreach ((string key, Microsoft.Extensions.Primitives.StringValues value) in form)
            {
                input[key] = value.ToString();
            }

            images = form.Files.Count(f => f.Name is "image" or "image[]");
            if (images == 0)
            {
                await ErrorAsync(context, HttpStatusCode.BadRequest, "An image is required.", "invalid_request_error", "INVALID_REQUEST", "image").ConfigureAwait(false);
                return;
            }
        }
        else
        {
            if (await ReadJsonAsync(context).ConfigureAwait(false) is not { } json)
            {
                await ErrorAsync(context, HttpStatusCode.BadRequest, "The body is not JSON.", "invalid_request_error", "INVALID_REQUEST").ConfigureAwait(false);
                return;
            }

            input = json;
        }

        string wireModel = Text(input, "model") ?? string.Empty;
        string[] parts = wireModel.Split('/', 2);
        string model = parts.Length == 2 ? parts[1] : parts[0];
        string? provider = parts.Length == 2 ? parts[0] : null;
        if (!ModelCatalog.TryGet(model, out ModelDescriptor? descriptor) || descriptor.Service != ImageService.Lumenfall)
        {
            await ErrorAsync(context, HttpStatusCode.NotFound, $"Model '{model}' not found", "invalid_request_error", "MODEL_NOT_FOUND").ConfigureAwait(false);
            return;
        }

        if (string.IsNullOrWhiteSpace(Text(input, "prompt")))
        {
            await ErrorAsync(context, HttpStatusCode.BadRequest, "prompt is required", "invalid_request_error", "INVALID_REQUEST", "prompt").ConfigureAwait(false);
            return;
        }

        int count = (int)Math.Clamp(Int(input, "n") ?? 1, 1, descriptor.Limits.MaxOutputImages ?? 10);
        if (context.Request.Query["dryRun"] == "true")
        {
            long micros = 10_000L * count;
            await JsonAsync(context, new JsonObject
            {
                ["estimated"] = true, ["model"] = descriptor.Id, ["provider"] = provider ?? "emulator", ["total_cost_micros"] = micros, ["currency"] = "USD",
                ["components"] = new JsonArray(new JsonObject { ["type"] = "image", ["metric"] = "image", ["quantity"] = count, ["billable_quantity"] = count, ["unit_price"] = 0.01, ["total_cost"] = micros / 1_000_000m }),
            }).ConfigureAwait(false);
            return;
        }

        (int width, int height) = Dimensions(Text(input, "size") ?? Text(input, "aspect_ratio"), 1024, descriptor.Limits);
        bool jpeg = Text(input, "output_format") is "jpeg" or "jpg";
        bool base64 = Text(input, "response_format") == "b64_json";
        string prompt = Text(input, "prompt")!;
        long? seed = Int(input, "seed");
        var data = new JsonArray();
        for (int i = 0; i < count; i++)
        {
            (byte[] bytes, string mediaType) = Draw(width, height, jpeg, prompt, seed, i);
            data.Add(base64
                ? new JsonObject { ["b64_json"] = Convert.ToBase64String(bytes), ["revised_prompt"] = prompt }
                : new JsonObject { ["url"] = Store(bytes, mediaType), ["revised_prompt"] = prompt });
        }

        string requestId = "req_" + Next();
        context.Response.Headers["X-Lumenfall-Request-Id"] = requestId;
        context.Response.Headers["X-Lumenfall-Provider"] = provider ?? "emulator";
        context.Response.Headers["X-Lumenfall-Model"] = descriptor.Id;
        await JsonAsync(context, new JsonObject
        {
            ["id"] = requestId,
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["size"] = $"{width}x{height}",
            ["output_format"] = jpeg ? "jpeg" : "png",
            ["data"] = data,
            ["metadata"] = new JsonObject
            {
                ["model"] = descriptor.Id, ["executed_model"] = $"{provider ?? "emulator"}/{descriptor.Id}", ["provider"] = provider ?? "emulator",
                ["provider_name"] = "Lumenfall emulator", ["cost"] = 0.01 * count, ["cost_currency"] = "USD",
            },
        }).ConfigureAwait(false);
    }

    private async Task LumenfallModelsAsync(HttpContext context)
    {
        if (!Authorized(context, "Bearer"))
        {
            await ErrorAsync(context, HttpStatusCode.Unauthorized, "Invalid API key", "authentication_error", "AUTHENTICATION_FAILED").ConfigureAwait(false);
            return;
        }

        var data = new JsonArray();
        foreach (ModelDescriptor model in ModelCatalog.All.Where(m => m.Service == ImageService.Lumenfall))
        {
            data.Add(ModelJson(model));
        }

        await JsonAsync(context, new JsonObject { ["object"] = "list", ["data"] = data }).ConfigureAwait(false);
    }

    private async Task LumenfallModelAsync(HttpContext context)
    {
        string id = (string)context.Request.RouteValues["id"]!;
        if (!ModelCatalog.TryGet(id, out ModelDescriptor? model) || model.Service != ImageService.Lumenfall)
        {
            await ErrorAsync(context, HttpStatusCode.NotFound, $"Model '{id}' not found", "invalid_request_error", "MODEL_NOT_FOUND").ConfigureAwait(false);
            return;
        }

        if (context.Request.Query["schema"] == "true")
        {
            context.Response.ContentType = "application/json";
            using Stream schema = model.OpenSchema();
            await schema.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        await JsonAsync(context, ModelJson(model)).ConfigureAwait(false);
    }

    private static JsonObject ModelJson(ModelDescriptor model) => new()
    {
        ["id"] = model.Id, ["object"] = "model", ["created"] = 1750000000, ["owned_by"] = model.Creator,
        ["name"] = model.DisplayName, ["aliases"] = new JsonArray([.. model.Aliases.Select(a => (JsonNode)a)]), ["modality"] = "image",
    };

    // ---------------- fal ----------------

    private async Task FalRunAsync(HttpContext context)
    {
        if (!Authorized(context, "Key"))
        {
            await FalErrorAsync(context, HttpStatusCode.Unauthorized, "Invalid key").ConfigureAwait(false);
            return;
        }

        if (await ReadJsonAsync(context).ConfigureAwait(false) is not { } input || string.IsNullOrWhiteSpace(Text(input, "prompt")))
        {
            await FalValidationAsync(context, "prompt", "field required", "value_error.missing").ConfigureAwait(false);
            return;
        }

        context.Response.Headers["x-fal-request-id"] = "sync-" + Next();
        await JsonAsync(context, FalOutput(input)).ConfigureAwait(false);
    }

    private async Task FalSubmitAsync(HttpContext context)
    {
        if (!Authorized(context, "Key"))
        {
            await FalErrorAsync(context, HttpStatusCode.Unauthorized, "Invalid key").ConfigureAwait(false);
            return;
        }

        string endpoint = (string)context.Request.RouteValues["endpoint"]!;
        if (await ReadJsonAsync(context).ConfigureAwait(false) is not { } input || string.IsNullOrWhiteSpace(Text(input, "prompt")))
        {
            await FalValidationAsync(context, "prompt", "field required", "value_error.missing").ConfigureAwait(false);
            return;
        }

        string app = string.Join('/', endpoint.Split('/').Take(2));
        var job = new Job(Guid.NewGuid().ToString(), app, input, Faults.TakeJobFailure());
        _jobs[job.Id] = job;
        string requests = new Uri(FalQueueEndpoint, $"fal-queue/{app}/requests/{job.Id}").AbsoluteUri;
        await JsonAsync(context, new JsonObject
        {
            ["status"] = "IN_QUEUE", ["request_id"] = job.Id, ["response_url"] = requests, ["status_url"] = requests + "/status",
            ["cancel_url"] = requests + "/cancel", ["queue_position"] = _options.QueuedPolls,
        }).ConfigureAwait(false);
    }

    private async Task FalStatusAsync(HttpContext context)
    {
        if (await FalJobAsync(context).ConfigureAwait(false) is not { } job)
        {
            return;
        }

        JsonObject status = FalStatus(job.Advance(_options), job, context.Request.Query["logs"] == "1");
        context.Response.StatusCode = Text(status, "status") == "COMPLETED" ? 200 : 202;
        await JsonAsync(context, status).ConfigureAwait(false);
    }

    private async Task FalStatusStreamAsync(HttpContext context)
    {
        if (await FalJobAsync(context).ConfigureAwait(false) is not { } job)
        {
            return;
        }

        context.Response.ContentType = "text/event-stream";
        await context.Response.WriteAsync(": ping\n\n", context.RequestAborted).ConfigureAwait(false);
        while (true)
        {
            int step = job.Advance(_options);
            JsonObject status = FalStatus(step, job, context.Request.Query["logs"] == "1");
            await context.Response.WriteAsync($"data: {status.ToJsonString()}\n\n", context.RequestAborted).ConfigureAwait(false);
            await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            if (Text(status, "status") == "COMPLETED")
            {
                return;
            }
        }
    }

    private async Task FalResultAsync(HttpContext context)
    {
        if (await FalJobAsync(context).ConfigureAwait(false) is not { } job)
        {
            return;
        }

        if (job.Canceled)
        {
            await FalErrorAsync(context, HttpStatusCode.BadRequest, "The request was cancelled.", "client_cancelled").ConfigureAwait(false);
        }
        else if (!job.Completed(_options))
        {
            await FalErrorAsync(context, HttpStatusCode.BadRequest, "The request is still in progress.").ConfigureAwait(false);
        }
        else if (job.Failure is { } failure)
        {
            await FalErrorAsync(context, HttpStatusCode.InternalServerError, failure.Message, failure.Type).ConfigureAwait(false);
        }
        else
        {
            job.Output ??= FalOutput(job.Input);
            await JsonAsync(context, job.Output).ConfigureAwait(false);
        }
    }

    private async Task FalCancelAsync(HttpContext context)
    {
        if (await FalJobAsync(context).ConfigureAwait(false) is not { } job)
        {
            return;
        }

        if (job.Completed(_options))
        {
            context.Response.StatusCode = 400;
            await JsonAsync(context, new JsonObject { ["status"] = "ALREADY_COMPLETED" }).ConfigureAwait(false);
            return;
        }

        job.Canceled = true;
        context.Response.StatusCode = 202;
        await JsonAsync(context, new JsonObject { ["status"] = "CANCELLATION_REQUESTED" }).ConfigureAwait(false);
    }

    private async Task FalInitiateUploadAsync(HttpContext context)
    {
        if (!Authorized(context, "Key") || await ReadJsonAsync(context).ConfigureAwait(false) is not { } input)
        {
            await FalErrorAsync(context, HttpStatusCode.Unauthorized, "Invalid key").ConfigureAwait(false);
            return;
        }

        string extension = Path.GetExtension(Text(input, "file_name") ?? ".bin");
        string name = "upload-" + Next() + extension;
        await JsonAsync(context, new JsonObject
        {
            ["upload_url"] = new Uri(BaseAddress, $"fal-storage/{name}").AbsoluteUri,
            ["file_url"] = new Uri(BaseAddress, $"files/{name}").AbsoluteUri,
        }).ConfigureAwait(false);
    }

    private async Task FalUploadAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        _files[(string)context.Request.RouteValues["name"]!] = (buffer.ToArray(), context.Request.ContentType ?? "application/octet-stream");
        context.Response.StatusCode = 200;
    }

    private async Task<Job?> FalJobAsync(HttpContext context)
    {
        if (!Authorized(context, "Key"))
        {
            await FalErrorAsync(context, HttpStatusCode.Unauthorized, "Invalid key").ConfigureAwait(false);
            return null;
        }

        if (_jobs.TryGetValue((string)context.Request.RouteValues["id"]!, out Job? job))
        {
            return job;
        }

        context.Response.StatusCode = 404;
        await JsonAsync(context, new JsonObject { ["detail"] = "Request not found", ["status"] = "NOT_FOUND" }).ConfigureAwait(false);
        return null;
    }

    private JsonObject FalStatus(int step, Job job, bool logs)
    {
        int queued = _options.QueuedPolls, running = _options.RunningPolls;
        var status = new JsonObject { ["request_id"] = job.Id };
        if (job.Canceled || step >= queued + running)
        {
            status["status"] = "COMPLETED";
            status["metrics"] = new JsonObject { ["inference_time"] = 0.42 };
            if (job.Canceled)
            {
                status["error"] = "The request was cancelled.";
                status["error_type"] = "client_cancelled";
            }
            else if (job.Failure is { } failure)
            {
                status["error"] = failure.Message;
                status["error_type"] = failure.Type;
            }
        }
        else if (step < queued)
        {
            status["status"] = "IN_QUEUE";
            status["queue_position"] = queued - step - 1;
        }
        else
        {
            status["status"] = "IN_PROGRESS";
        }

        if (logs && step >= queued)
        {
            var lines = new JsonArray();
            for (int i = 0; i <= Math.Min(step - queued, running - 1); i++)
            {
                lines.Add(new JsonObject { ["message"] = $"step {i + 1}/{running}", ["level"] = "INFO", ["source"] = "USER", ["timestamp"] = "2026-11-21T12:00:00Z" });
            }

            status["logs"] = lines;
        }

        return status;
    }

    private JsonObject FalOutput(JsonObject input)
    {
        string prompt = Text(input, "prompt")!;
        long seed = Int(input, "seed") ?? (long)(EmulatorImages.Hash(prompt, null) >> 1);
        (int width, int height) = FalSize(input["image_size"]);
        bool png = Text(input, "output_format") == "png";
        int count = Math.Clamp((int)(Int(input, "num_images") ?? 1), 1, 4);
        var images = new JsonArray();
        var nsfw = new JsonArray();
        for (int i = 0; i < count; i++)
        {
            (byte[] bytes, string mediaType) = Draw(width, height, !png, prompt, seed, i);
            string url = Store(bytes, mediaType);
            images.Add(new JsonObject
            {
                ["url"] = url, ["content_type"] = mediaType, ["file_name"] = url[(url.LastIndexOf('/') + 1)..], ["file_size"] = bytes.Length,
                ["width"] = width, ["height"] = height,
            });
            nsfw.Add(false);
        }

        return new JsonObject { ["images"] = images, ["timings"] = new JsonObject { ["inference"] = 0.42 }, ["seed"] = seed, ["has_nsfw_concepts"] = nsfw, ["prompt"] = prompt };
    }

    private (int Width, int Height) FalSize(JsonNode? size) => size switch
    {
        JsonObject o => Fit((int?)o["width"] ?? 512, (int?)o["height"] ?? 512),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>() switch
        {
            "square" => Fit(512, 512),
            "portrait_4_3" => Fit(768, 1024),
            "portrait_16_9" => Fit(576, 1024),
            "landscape_4_3" => Fit(1024, 768),
            "landscape_16_9" => Fit(1024, 576),
            _ => Fit(1024, 1024),
        },
        _ => Fit(1024, 1024),
    };

    // ---------------- OmniRouters ----------------

    private async Task OmniRoutersCreateAsync(HttpContext context)
    {
        if (!Authorized(context, "Bearer"))
        {
            await ErrorAsync(context, HttpStatusCode.Unauthorized, "Invalid token", "new_api_error", "invalid_api_key").ConfigureAwait(false);
            return;
        }

        if (await ReadJsonAsync(context).ConfigureAwait(false) is not { } input || string.IsNullOrWhiteSpace(Text(input, "model")) || string.IsNullOrWhiteSpace(Text(input, "prompt")))
        {
            await ErrorAsync(context, HttpStatusCode.BadRequest, "model and prompt are required", "new_api_error", "invalid_request", "prompt").ConfigureAwait(false);
            return;
        }

        if (context.Request.Query["async"] == "true")
        {
            var job = new Job("task_" + Next(), "omni-image", input, Faults.TakeJobFailure());
            _jobs[job.Id] = job;
            await JsonAsync(context, new JsonObject { ["task_id"] = job.Id, ["status"] = "queued" }).ConfigureAwait(false);
            return;
        }

        await JsonAsync(context, new JsonObject
        {
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["data"] = OmniImages(input),
            ["usage"] = new JsonObject { ["total_tokens"] = 0, ["input_tokens"] = 0, ["output_tokens"] = 0 },
        }).ConfigureAwait(false);
    }

    private async Task OmniRoutersTaskAsync(HttpContext context)
    {
        if (!Authorized(context, "Bearer"))
        {
            await JsonAsync(context, new JsonObject { ["code"] = "invalid_api_key", ["message"] = "Invalid token", ["data"] = null }, HttpStatusCode.Unauthorized).ConfigureAwait(false);
            return;
        }

        if (!_jobs.TryGetValue((string)context.Request.RouteValues["taskId"]!, out Job? job))
        {
            await JsonAsync(context, new JsonObject { ["code"] = "task_not_exist", ["message"] = "task_not_exist", ["data"] = null }, HttpStatusCode.BadRequest).ConfigureAwait(false);
            return;
        }

        int step = job.Advance(_options);
        var task = new JsonObject { ["task_id"] = job.Id };
        if (step < _options.QueuedPolls)
        {
            task["status"] = "queued";
        }
        else if (step < _options.QueuedPolls + _options.RunningPolls)
        {
            task["status"] = "in_progress";
        }
        else if (job.Failure is { } failure)
        {
            task["status"] = "failed";
            task["error"] = new JsonObject { ["code"] = failure.Type, ["message"] = failure.Message };
        }
        else
        {
            job.Output ??= new JsonObject { ["data"] = OmniImages(job.Input) };
            task["status"] = "completed";
            task["data"] = job.Output["data"]!.DeepClone();
        }

        await JsonAsync(context, task).ConfigureAwait(false);
    }

    private JsonArray OmniImages(JsonObject input)
    {
        int side = (Text(input, "resolution") ?? "1K").ToUpperInvariant() switch { "2K" => 2048, "4K" => 4096, _ => 1024 };
        (int width, int height) = Dimensions(Text(input, "aspect_ratio"), side, null);
        int count = Math.Clamp((int)(Int(input, "n") ?? 1), 1, 10);
        var data = new JsonArray();
        for (int i = 0; i < count; i++)
        {
            (byte[] bytes, string mediaType) = Draw(width, height, jpeg: false, Text(input, "prompt")!, null, i);
            data.Add(new JsonObject { ["url"] = Store(bytes, mediaType), ["b64_json"] = string.Empty, ["revised_prompt"] = string.Empty });
        }

        return data;
    }

    // ---------------- shared ----------------

    private async Task FileAsync(HttpContext context)
    {
        if (!_files.TryGetValue((string)context.Request.RouteValues["name"]!, out var file))
        {
            context.Response.StatusCode = 404;
            return;
        }

        context.Response.ContentType = file.MediaType;
        context.Response.ContentLength = file.Bytes.Length;
        await context.Response.Body.WriteAsync(file.Bytes, context.RequestAborted).ConfigureAwait(false);
    }

    private static (byte[] Bytes, string MediaType) Draw(int width, int height, bool jpeg, string prompt, long? seed, int index)
    {
        ulong hash = EmulatorImages.Hash(prompt, seed) + (ulong)index;
        return jpeg ? (EmulatorImages.Jpeg(width, height, hash), "image/jpeg") : (EmulatorImages.Png(width, height, hash), "image/png");
    }

    private string Store(byte[] bytes, string mediaType)
    {
        string name = $"img-{Next()}{(mediaType == "image/jpeg" ? ".jpg" : ".png")}";
        _files[name] = (bytes, mediaType);
        return new Uri(BaseAddress, "files/" + name).AbsoluteUri;
    }

    /// <summary>Reads <c>WxH</c>, or <c>W:H</c> scaled to <paramref name="longSide"/>, within the model's limits and <see cref="EmulatorOptions.MaxSide"/>.</summary>
    private (int Width, int Height) Dimensions(string? text, int longSide, ModelLimits? limits)
    {
        var size = new ImageSize(text ?? string.Empty);
        (int w, int h) = size is { Width: int width, Height: int height } ? (width, height)
            : new AspectRatio(text ?? string.Empty) is { IsWellFormed: true } ratio && TryRatio(ratio.Value, out double r)
                ? (r >= 1 ? (longSide, (int)Math.Round(longSide / r)) : ((int)Math.Round(longSide * r), longSide))
                : (longSide, longSide);
        if (limits?.MaxWidth is int maxLong && limits.MaxHeight is int maxShort)
        {
            double scale = Math.Min(1, Math.Min((double)maxLong / Math.Max(w, h), (double)maxShort / Math.Min(w, h)));
            (w, h) = ((int)(w * scale), (int)(h * scale));
        }

        return Fit(w, h);
    }

    private (int Width, int Height) Fit(int width, int height)
    {
        double scale = Math.Min(1, (double)_options.MaxSide / Math.Max(width, height));
        return (Math.Max(1, (int)(width * scale)), Math.Max(1, (int)(height * scale)));
    }

    private static bool TryRatio(string text, out double ratio)
    {
        string[] parts = text.Split(':');
        ratio = double.Parse(parts[0], CultureInfo.InvariantCulture) / double.Parse(parts[1], CultureInfo.InvariantCulture);
        return ratio > 0;
    }

    private string Next() => Interlocked.Increment(ref _counter).ToString(CultureInfo.InvariantCulture);

    private static bool Authorized(HttpContext context, string scheme)
    {
        string header = context.Request.Headers.Authorization.ToString();
        return header.StartsWith(scheme + " ", StringComparison.Ordinal) && header.Length > scheme.Length + 1;
    }

    private static async Task<JsonObject?> ReadJsonAsync(HttpContext context)
    {
        try
        {
            return await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Task ErrorAsync(HttpContext context, HttpStatusCode status, string message, string type, string code, string? param = null) =>
        JsonAsync(context, new JsonObject { ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["code"] = code, ["param"] = param } }, status);

    private static Task FalErrorAsync(HttpContext context, HttpStatusCode status, string detail, string? errorType = null)
    {
        if (errorType is not null)
        {
            context.Response.Headers["X-Fal-Error-Type"] = errorType;
        }

        return JsonAsync(context, new JsonObject { ["detail"] = detail, ["error_type"] = errorType }, status);
    }

    private static Task FalValidationAsync(HttpContext context, string field, string message, string type) =>
        JsonAsync(context, new JsonObject { ["detail"] = new JsonArray(new JsonObject { ["loc"] = new JsonArray("body", field), ["msg"] = message, ["type"] = type }) }, HttpStatusCode.UnprocessableEntity);

    private static Task Refuse(HttpContext context, HttpStatusCode status)
    {
        context.Response.StatusCode = (int)status;
        return Task.CompletedTask;
    }

    private static Task JsonAsync(HttpContext context, JsonObject body, HttpStatusCode? status = null)
    {
        if (status is HttpStatusCode code)
        {
            context.Response.StatusCode = (int)code;
        }

        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToJsonString(), Encoding.UTF8, context.RequestAborted);
    }

    private static string? Text(JsonObject json, string name) =>
        json[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static long? Int(JsonObject json, string name) => json[name] switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.GetValue<long>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.String && long.TryParse(v.GetValue<string>(), CultureInfo.InvariantCulture, out long parsed) => parsed,
        _ => null,
    };

    /// <summary>A queued fal job or OmniRouters task: its input and how far it has got (one step per status look).</summary>
    private sealed class Job(string id, string app, JsonObject input, (string Message, string Type)? failure)
    {
        private int _step = -1;

        public string Id { get; } = id;

        public string App { get; } = app;

        public JsonObject Input { get; } = input;

        public (string Message, string Type)? Failure { get; } = failure;

        public bool Canceled { get; set; }

        public JsonObject? Output { get; set; }

        public int Advance(EmulatorOptions options) => Math.Min(Interlocked.Increment(ref _step), options.QueuedPolls + options.RunningPolls);

        public bool Completed(EmulatorOptions options) => Volatile.Read(ref _step) >= options.QueuedPolls + options.RunningPolls;
    }
}
