using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace Lumenfall.Sdk.Benchmarks.Server;

/// <summary>
/// The canned server every client talks to: Kestrel on 127.0.0.1 (a free port), one request delegate, responses
/// built once at start-up and written as pre-encoded bytes, so each client gets byte-for-byte the same answer.
/// <list type="bullet">
/// <item><c>POST /openai/v1/images/generations</c>: the prompt picks the case (<see cref="Prompts"/>): a URL result,
/// or base64 of the 1 MiB or 16 MiB image; <c>response_format</c> must match the case.</item>
/// <item><c>POST /openai/v1/images/edits</c>: multipart with exactly two files, compared byte by byte (streaming)
/// with the two edit images; answers a URL result, or 400 saying what differed.</item>
/// <item><c>POST /fal-queue/fal-ai/omnigen-v1</c>, <c>GET …/requests/{id}/status</c> (IN_PROGRESS once, then
/// COMPLETED), <c>GET …/requests/{id}</c>: fal's queue lifecycle.</item>
/// <item><c>GET /files/{name}</c>: the 1 MiB image, for the URLs the results name (no benchmark fetches them).</item>
/// </list>
/// Accepted connections are counted by a connection middleware.
/// </summary>
internal sealed class BenchServer : IAsyncDisposable
{
    private const long Created = 1_795_737_600;   // 2026-11-21T00:00:00Z

    private readonly ConcurrentDictionary<string, int> _falJobs = new(StringComparer.Ordinal);
    private WebApplication? _app;
    private byte[] _urlResponse = [];
    private byte[] _editResponse = [];
    private byte[] _base64Small = [];
    private byte[] _base64Large = [];
    private byte[] _falResult = [];
    private long _falNext;
    private long _accepted;
    private long _active;
    private long _peakActive;
    private long _editsIntact;
    private long _editsRejected;
    private long _statusPolls;
    private long _requests;
    private string? _lastProblem;

    private BenchServer()
    {
    }

    /// <summary>Gets the server's base address, for example <c>http://127.0.0.1:41234</c> (no trailing slash).</summary>
    public string BaseAddress { get; private set; } = string.Empty;

    /// <summary>Gets the 1 MiB result image (base64 case and /files).</summary>
    public byte[] SmallImage { get; } = Payloads.Image(Payloads.OneMiB, Payloads.ResultSeed);

    /// <summary>Gets the 16 MiB result image.</summary>
    public byte[] LargeImage { get; } = Payloads.Image(Payloads.SixteenMiB, Payloads.ResultSeed);

    /// <summary>Gets the first edit input the server expects.</summary>
    public byte[] EditImageA { get; } = Payloads.Image(Payloads.OneMiB, Payloads.EditSeedA);

    /// <summary>Gets the second edit input the server expects.</summary>
    public byte[] EditImageB { get; } = Payloads.Image(Payloads.OneMiB, Payloads.EditSeedB);

    /// <summary>Gets the URL the URL-result case answers with.</summary>
    public string UrlResult => BaseAddress + "/files/url-result.png";

    /// <summary>Gets the URL the edit case answers with.</summary>
    public string EditResult => BaseAddress + "/files/edit-result.png";

    /// <summary>Gets the URL the fal result names.</summary>
    public string FalResult => BaseAddress + "/files/fal-result.png";

    /// <summary>Gets the connections accepted so far.</summary>
    public long AcceptedConnections => Interlocked.Read(ref _accepted);

    /// <summary>Gets the most connections open at once since the last <see cref="ResetCounters"/>.</summary>
    public long PeakActiveConnections => Interlocked.Read(ref _peakActive);

    /// <summary>Gets the edits whose two images arrived intact.</summary>
    public long EditsIntact => Interlocked.Read(ref _editsIntact);

    /// <summary>Gets the edits refused (wrong number of files, or bytes that differ).</summary>
    public long EditsRejected => Interlocked.Read(ref _editsRejected);

    /// <summary>Gets the fal status polls answered.</summary>
    public long StatusPolls => Interlocked.Read(ref _statusPolls);

    /// <summary>Gets the requests answered.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Gets the last reason a request was refused, if any.</summary>
    public string? LastProblem => Volatile.Read(ref _lastProblem);

    /// <summary>Starts a server on 127.0.0.1 and a free port.</summary>
    public static async Task<BenchServer> StartAsync()
    {
        var server = new BenchServer();
        await server.StartCoreAsync().ConfigureAwait(false);
        return server;
    }

    /// <summary>Sets the connection and request counters to zero (connections already open stay open).</summary>
    public void ResetCounters()
    {
        Interlocked.Exchange(ref _firstGeneration, 0);
        Interlocked.Exchange(ref _accepted, 0);
        Interlocked.Exchange(ref _peakActive, Interlocked.Read(ref _active));
        Interlocked.Exchange(ref _editsIntact, 0);
        Interlocked.Exchange(ref _editsRejected, 0);
        Interlocked.Exchange(ref _statusPolls, 0);
        Interlocked.Exchange(ref _requests, 0);
        Volatile.Write(ref _lastProblem, null);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task StartCoreAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 64L * 1024 * 1024;
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Use(next => async connection =>
            {
                Interlocked.Increment(ref _accepted);
                long active = Interlocked.Increment(ref _active);
                long peak;
                while (active > (peak = Interlocked.Read(ref _peakActive)) && Interlocked.CompareExchange(ref _peakActive, active, peak) != peak)
                {
                }

                try
                {
                    await next(connection).ConfigureAwait(false);
                }
                finally
                {
                    Interlocked.Decrement(ref _active);
                }
            }));
        });

        WebApplication app = builder.Build();
        app.Run(HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        _app = app;
        BaseAddress = app.Urls.First().TrimEnd('/');

        _urlResponse = UrlBody(UrlResult);
        _editResponse = UrlBody(EditResult);
        _base64Small = Base64Body(SmallImage);
        _base64Large = Base64Body(LargeImage);
        _falResult = Encoding.UTF8.GetBytes(
            $$"""{"images":[{"url":"{{FalResult}}","content_type":"image/png","width":2048,"height":2048}],"seed":1,"has_nsfw_concepts":[false],"prompt":"{{Prompts.Fal}}"}""");
    }

    private static byte[] UrlBody(string url) =>
        Encoding.UTF8.GetBytes($$"""{"created":{{Created}},"data":[{"url":"{{url}}"}]}""");

    /// <summary><c>{"created":…,"data":[{"b64_json":"…"}]}</c>, encoded straight into one array.</summary>
    private static byte[] Base64Body(byte[] image)
    {
        byte[] head = Encoding.UTF8.GetBytes("{\"created\":" + Created.ToString(System.Globalization.CultureInfo.InvariantCulture) + ",\"data\":[{\"b64_json\":\"");
        byte[] tail = "\"}]}"u8.ToArray();
        int encoded = System.Buffers.Text.Base64.GetMaxEncodedToUtf8Length(image.Length);
        byte[] body = new byte[head.Length + encoded + tail.Length];
        head.CopyTo(body, 0);
        System.Buffers.Text.Base64.EncodeToUtf8(image, body.AsSpan(head.Length), out _, out int written);
        tail.CopyTo(body, head.Length + written);
        return body;
    }

    /// <summary>Gets when the first generation request since <see cref="ResetCounters"/> arrived (UTC), for the startup mode.</summary>
    public DateTime? FirstGenerationUtc => _firstGeneration == 0 ? null : new DateTime(Interlocked.Read(ref _firstGeneration), DateTimeKind.Utc);

    private long _firstGeneration;

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        if (context.Request.Path.Value?.EndsWith("/images/generations", StringComparison.Ordinal) == true)
        {
            Interlocked.CompareExchange(ref _firstGeneration, DateTime.UtcNow.Ticks, 0);
        }

        HttpRequest request = context.Request;
        string path = request.Path.Value ?? string.Empty;
        try
        {
            if (HttpMethods.IsPost(request.Method) && path == "/openai/v1/images/generations")
            {
                await GenerationAsync(context).ConfigureAwait(false);
            }
            else if (HttpMethods.IsPost(request.Method) && path == "/openai/v1/images/edits")
            {
                await EditAsync(context).ConfigureAwait(false);
            }
            else if (path.StartsWith("/fal-queue/fal-ai/omnigen-v1", StringComparison.Ordinal))
            {
                await FalAsync(context, path["/fal-queue/fal-ai/omnigen-v1".Length..]).ConfigureAwait(false);
            }
            else if (HttpMethods.IsGet(request.Method) && path.StartsWith("/files/", StringComparison.Ordinal))
            {
                context.Response.ContentType = "image/png";
                context.Response.ContentLength = SmallImage.Length;
                await context.Response.Body.WriteAsync(SmallImage).ConfigureAwait(false);
            }
            else
            {
                await ErrorAsync(context, 404, $"no route for {request.Method} {path}").ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException or IOException or BadHttpRequestException)
        {
            if (!context.Response.HasStarted)
            {
                await ErrorAsync(context, 400, $"{ex.GetType().Name}: {ex.Message}").ConfigureAwait(false);
            }
        }
    }

    private async Task GenerationAsync(HttpContext context)
    {
        if (!Authorized(context, "Bearer "))
        {
            await ErrorAsync(context, 401, "missing or wrong Authorization (Bearer)").ConfigureAwait(false);
            return;
        }

        (string? prompt, string? format) = await ReadGenerationAsync(context.Request).ConfigureAwait(false);
        (byte[]? body, string expectedFormat) = prompt switch
        {
            Prompts.Url => (_urlResponse, "url"),
            Prompts.Base64Small => (_base64Small, "b64_json"),
            Prompts.Base64Large => (_base64Large, "b64_json"),
            _ => ((byte[]?)null, string.Empty),
        };
        if (body is null)
        {
            await ErrorAsync(context, 400, $"unknown prompt '{prompt}'").ConfigureAwait(false);
        }
        else if (!string.Equals(format, expectedFormat, StringComparison.Ordinal))
        {
            await ErrorAsync(context, 400, $"prompt '{prompt}' needs response_format '{expectedFormat}', got '{format}'").ConfigureAwait(false);
        }
        else
        {
            await JsonAsync(context, body).ConfigureAwait(false);
        }
    }

    /// <summary>Reads <c>prompt</c> and <c>response_format</c> of a small JSON body.</summary>
    private static async Task<(string? Prompt, string? Format)> ReadGenerationAsync(HttpRequest request)
    {
        using JsonDocument document = await JsonDocument.ParseAsync(request.Body).ConfigureAwait(false);
        JsonElement root = document.RootElement;
        return (Text(root, "prompt"), Text(root, "response_format"));

        static string? Text(JsonElement root, string name) =>
            root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }

    /// <summary>Reads the multipart body section by section and compares each file with the expected image as it streams.</summary>
    private async Task EditAsync(HttpContext context)
    {
        if (!Authorized(context, "Bearer "))
        {
            await ErrorAsync(context, 401, "missing or wrong Authorization (Bearer)").ConfigureAwait(false);
            return;
        }

        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out MediaTypeHeaderValue? type)
            || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 } boundary)
        {
            await RejectEditAsync(context, $"not multipart/form-data with a boundary: '{context.Request.ContentType}'").ConfigureAwait(false);
            return;
        }

        var reader = new MultipartReader(boundary, context.Request.Body);
        byte[][] expected = [EditImageA, EditImageB];
        var problems = new List<string>();
        string? prompt = null;
        int files = 0;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (await reader.ReadNextSectionAsync().ConfigureAwait(false) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out ContentDispositionHeaderValue? disposition))
                {
                    problems.Add("a part without Content-Disposition");
                    continue;
                }

                string name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? string.Empty;
                if (disposition.IsFileDisposition())
                {
                    if (name is not ("image" or "image[]"))
                    {
                        problems.Add($"file part '{name}' (expected image or image[])");
                    }

                    byte[]? want = files < expected.Length ? expected[files] : null;
                    long length = 0;
                    long firstDifference = -1;
                    int read;
                    while ((read = await section.Body.ReadAsync(buffer).ConfigureAwait(false)) > 0)
                    {
                        if (want is not null && firstDifference < 0)
                        {
                            int comparable = (int)Math.Clamp(want.Length - length, 0, read);
                            int differs = buffer.AsSpan(0, comparable).CommonPrefixLength(want.AsSpan((int)Math.Min(length, want.Length), comparable));
                            if (differs < comparable || comparable < read)
                            {
                                firstDifference = length + differs;
                            }
                        }

                        length += read;
                    }

                    if (want is null)
                    {
                        problems.Add($"an extra file part #{files + 1} ({length} bytes)");
                    }
                    else if (firstDifference >= 0 || length != want.Length)
                    {
                        problems.Add($"file #{files + 1} ('{name}', {length} bytes) differs from the image sent ({want.Length} bytes){(firstDifference >= 0 ? $" from byte {firstDifference}" : string.Empty)}");
                    }

                    files++;
                }
                else if (name == "prompt")
                {
                    prompt = await section.ReadAsStringAsync().ConfigureAwait(false);
                }
                else
                {
                    await section.Body.DrainAsync(default).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (files != expected.Length)
        {
            problems.Add($"{files} file parts (expected {expected.Length})");
        }

        if (prompt != Prompts.Edit)
        {
            problems.Add($"prompt '{prompt}' (expected '{Prompts.Edit}')");
        }

        if (problems.Count > 0)
        {
            await RejectEditAsync(context, string.Join("; ", problems)).ConfigureAwait(false);
            return;
        }

        Interlocked.Increment(ref _editsIntact);
        await JsonAsync(context, _editResponse).ConfigureAwait(false);
    }

    private async Task RejectEditAsync(HttpContext context, string problem)
    {
        Interlocked.Increment(ref _editsRejected);
        await ErrorAsync(context, 400, "edit refused: " + problem).ConfigureAwait(false);
    }

    private async Task FalAsync(HttpContext context, string rest)
    {
        if (!Authorized(context, "Key "))
        {
            await ErrorAsync(context, 401, "missing or wrong Authorization (Key)").ConfigureAwait(false);
            return;
        }

        string method = context.Request.Method;
        string queue = BaseAddress + "/fal-queue/fal-ai/omnigen-v1/requests/";
        if (HttpMethods.IsPost(method) && rest.Length == 0)
        {
            using JsonDocument input = await JsonDocument.ParseAsync(context.Request.Body).ConfigureAwait(false);
            string? prompt = input.RootElement.TryGetProperty("prompt", out JsonElement p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
            if (prompt != Prompts.Fal)
            {
                await ErrorAsync(context, 422, $"prompt '{prompt}' (expected '{Prompts.Fal}')").ConfigureAwait(false);
                return;
            }

            string id = "r" + Interlocked.Increment(ref _falNext).ToString(System.Globalization.CultureInfo.InvariantCulture);
            _falJobs[id] = 0;
            await JsonAsync(context, Encoding.UTF8.GetBytes(
                $$"""{"request_id":"{{id}}","status":"IN_QUEUE","queue_position":0,"status_url":"{{queue}}{{id}}/status","response_url":"{{queue}}{{id}}","cancel_url":"{{queue}}{{id}}/cancel"}""")).ConfigureAwait(false);
            return;
        }

        const string Requests = "/requests/";
        if (HttpMethods.IsGet(method) && rest.StartsWith(Requests, StringComparison.Ordinal))
        {
            string tail = rest[Requests.Length..];
            bool status = tail.EndsWith("/status", StringComparison.Ordinal);
            string id = status ? tail[..^"/status".Length] : tail;
            if (!_falJobs.TryGetValue(id, out int polls))
            {
                await ErrorAsync(context, 404, $"no fal job '{id}'").ConfigureAwait(false);
                return;
            }

            if (status)
            {
                Interlocked.Increment(ref _statusPolls);
                _falJobs[id] = polls + 1;
                string body = polls == 0
                    ? $$"""{"status":"IN_PROGRESS","request_id":"{{id}}","response_url":"{{queue}}{{id}}","logs":[]}"""
                    : $$$"""{"status":"COMPLETED","request_id":"{{{id}}}","response_url":"{{{queue}}}{{{id}}}","logs":[],"metrics":{"inference_time":0.5}}""";
                await JsonAsync(context, Encoding.UTF8.GetBytes(body)).ConfigureAwait(false);
                return;
            }

            if (polls < 2)
            {
                await ErrorAsync(context, 400, $"fal job '{id}' fetched before it completed ({polls} polls)").ConfigureAwait(false);
                return;
            }

            _falJobs.TryRemove(id, out _);
            await JsonAsync(context, _falResult).ConfigureAwait(false);
            return;
        }

        await ErrorAsync(context, 404, $"no fal route for {method} {rest}").ConfigureAwait(false);
    }

    private static bool Authorized(HttpContext context, string scheme) =>
        context.Request.Headers.Authorization.ToString() is { } value
        && value.StartsWith(scheme, StringComparison.Ordinal)
        && value.AsSpan(scheme.Length).SequenceEqual(Prompts.ApiKey);

    private static Task JsonAsync(HttpContext context, byte[] body)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body).AsTask();
    }

    private Task ErrorAsync(HttpContext context, int status, string message)
    {
        Volatile.Write(ref _lastProblem, $"{status} {context.Request.Method} {context.Request.Path}: {message}");
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(
            new Dictionary<string, Dictionary<string, string>> { ["error"] = new() { ["message"] = message, ["type"] = "bench_error", ["code"] = "bench_error" } },
            ServerJsonContext.Default.DictionaryStringDictionaryStringString);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body).AsTask();
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, Dictionary<string, string>>))]
internal sealed partial class ServerJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
