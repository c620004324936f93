using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Lumenfall.Sdk.Http;
using Lumenfall.Sdk.Serialization;

namespace Lumenfall.Sdk.Transports.Fal;

/// <summary>
/// fal.ai: the sync endpoint (<c>fal.run</c>) and the queue (<c>queue.fal.run</c>: submit, status with logs, status
/// stream, result, cancel). Local input images are uploaded to fal storage (or inlined) before the request is sent.
/// </summary>
internal sealed class FalTransport : IImageTransport, IOperationProtocol
{
    private static readonly MediaTypeWithQualityHeaderValue Json = new("application/json");
    private static readonly TimeSpan StreamIdleTimeout = TimeSpan.FromSeconds(30);
    private const int MaxStreamEvent = 1024 * 1024;

    private readonly ServiceChannel _channel;
    private readonly FalServiceOptions _options;
    private readonly ImageDownloader _downloader;
    private readonly IFalFileUploader _uploader;

    public FalTransport(ServiceChannel channel, FalServiceOptions options, ImageDownloader downloader)
    {
        _channel = channel;
        _options = options;
        _downloader = downloader;
        _uploader = options.Uploader ?? new FalStorageUploader(channel, options);
    }

    public ImageService Service => ImageService.Fal;

    public TimeSpan MaxRetryAfter => _options.Retry.MaxRetryAfter;

    public PollingOptions Polling => _options.Polling;

    public async Task<ImageGenerationResult> GenerateAsync(ImageRequest request, CancellationToken cancellationToken)
    {
        FalImageRequest fal = AsFal(request);
        if (ModeOf(fal) == FalExecutionMode.Sync)
        {
            return await RunSyncAsync(fal, cancellationToken).ConfigureAwait(false);
        }

        var operation = (PolledImageOperation)await StartAsync(fal, cancellationToken).ConfigureAwait(false);
        return await operation.WaitWithinAsync(_options.Polling.OperationTimeout, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ImageOperation> StartAsync(ImageRequest request, CancellationToken cancellationToken)
    {
        FalImageRequest fal = AsFal(request);
        if (ModeOf(fal) == FalExecutionMode.Sync)
        {
            return new CompletedImageOperation(await RunSyncAsync(fal, cancellationToken).ConfigureAwait(false));
        }

        string url = ServiceChannel.Url(_options.QueueEndpoint, AppPath(fal.ModelId)).AbsoluteUri;
        if (fal.Submit?.WebhookUrl is Uri webhook)
        {
            url += "?fal_webhook=" + Uri.EscapeDataString(webhook.AbsoluteUri);
        }

        using var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = await BodyAsync(fal, cancellationToken).ConfigureAwait(false) };
        message.Headers.Accept.Add(Json);
        AddSubmitHeaders(message, fal.Submit);

        // The reply is checked inside the call, so a failure carries the call's ids as well as the operation's.
        (OperationState state, OperationSnapshot initial) = await _channel.SendAsync(
            message,
            CallPurpose.Generation,
            async (response, _, token) =>
            {
                FalQueueStatus submitted = await ResponseBody.ReadJsonAsync(response, SdkJsonContext.Default.FalQueueStatus, _channel.MaxResponseBytes, token).ConfigureAwait(false);
                return (Accept(submitted, fal.ModelId) with { Untyped = fal is FalAppRequest }, Initial(submitted));
            },
            cancellationToken).ConfigureAwait(false);

        return new PolledImageOperation(this, state, _channel.Time, _options.UseStatusStream, initial);
    }

    /// <summary>
    /// The operation a submit reply describes. The id must be usable in a URL path and every queue URL the reply
    /// names must be absolute http(s); otherwise the failure names the field and carries a token that resumes the
    /// job through the standard queue URLs.
    /// </summary>
    private OperationState Accept(FalQueueStatus submitted, string modelId)
    {
        if (!ServerUrls.IsSafeId(submitted.RequestId, _options.ApiKey))
        {
            throw new LumenfallUnexpectedResponseException(
                $"fal accepted the submission but returned {(string.IsNullOrEmpty(submitted.RequestId) ? "no request_id" : "an unusable request_id")}; the job cannot be followed.")
            {
                Service = Service,
                Field = "request_id",
            };
        }

        var state = new OperationState { Service = Service, ModelId = modelId, Id = submitted.RequestId! };
        foreach ((string field, string? url) in new[] { ("status_url", submitted.StatusUrl), ("response_url", submitted.ResponseUrl), ("cancel_url", submitted.CancelUrl) })
        {
            if (Text(url) is not null && !ServerUrls.TryParse(url, out _, _options.ApiKey))
            {
                throw ServerUrls.Invalid(url, field, Service, _options.ApiKey).ForOperation<LumenfallUnexpectedResponseException>(state.Id, state.ToToken());
            }
        }

        return state with { StatusUrl = Text(submitted.StatusUrl), ResponseUrl = Text(submitted.ResponseUrl), CancelUrl = Text(submitted.CancelUrl) };
    }

    private OperationSnapshot Initial(FalQueueStatus submitted)
    {
        OperationSnapshot initial = ToSnapshot(submitted, null);
        if (submitted.Status is null)
        {
            initial = initial with { Status = ImageOperationStatus.Queued, RawStatus = "IN_QUEUE" };   // a submit reply may omit the status
        }

        return initial;
    }

    public async Task<OperationSnapshot> GetStatusAsync(OperationState state, CancellationToken cancellationToken)
    {
        string url = StatusUrl(state) + (_options.IncludeLogs ? (StatusUrl(state).Contains('?', StringComparison.Ordinal) ? "&logs=1" : "?logs=1") : string.Empty);
        using var message = new HttpRequestMessage(HttpMethod.Get, url);
        message.Headers.Accept.Add(Json);
        return await _channel.SendAsync(message, CallPurpose.Read, async (response, _, token) =>
        {
            FalQueueStatus status = await ResponseBody.ReadJsonAsync(response, SdkJsonContext.Default.FalQueueStatus, _channel.MaxResponseBytes, token).ConfigureAwait(false);
            return ToSnapshot(status, ServiceErrors.RetryAfterFrom(response.Headers, _channel.Time));
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ImageGenerationResult> GetResultAsync(OperationState state, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, state.ResponseUrl ?? AppUrl(state, string.Empty));
        message.Headers.Accept.Add(Json);
        return await _channel.SendAsync(message, CallPurpose.Read, async (response, context, token) =>
        {
            return await ReadOutputAsync(response, state.ModelId, state.Untyped, state.Id, context, token).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<CancelOutcome> CancelAsync(OperationState state, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Put, state.CancelUrl ?? AppUrl(state, "/cancel"));
        message.Headers.Accept.Add(Json);
        return await _channel.SendAsync(
            message,
            CallPurpose.Cancel,
            async (response, context, token) =>
            {
                byte[] body = await ServiceErrors.ReadBoundedAsync(response.Content, 64 * 1024, token).ConfigureAwait(false);
                string? status = TryReadCancelStatus(body);
                CancelOutcome? outcome = status?.ToUpperInvariant() switch
                {
                    "CANCELLATION_REQUESTED" => CancelOutcome.CancellationRequested,
                    "ALREADY_COMPLETED" => CancelOutcome.AlreadyCompleted,
                    "NOT_FOUND" => CancelOutcome.NotFound,
                    "OK" or "CANCELED" or "CANCELLED" => CancelOutcome.Canceled,
                    null => null,
                    _ => CancelOutcome.Unknown,
                };
                if (outcome is CancelOutcome known)
                {
                    return known;
                }

                if (response.IsSuccessStatusCode)
                {
                    return CancelOutcome.CancellationRequested;
                }

                var details = new ServiceErrorDetails(Service, response.StatusCode, null, null, ServiceErrors.RequestIdFrom(response.Headers), context.ClientRequestId, null, (body.Length == 0 ? null : Encoding.UTF8.GetString(body)));
                throw ServiceErrors.Create(details, ErrorBody.Parse(body), _options.ApiKey);
            },
            cancellationToken,
            accept: status => status is HttpStatusCode.BadRequest or HttpStatusCode.NotFound or HttpStatusCode.Conflict).ConfigureAwait(false);
    }

    public IAsyncEnumerable<OperationSnapshot>? StreamStatus(OperationState state, CancellationToken cancellationToken) =>
        ReadStatusStreamAsync(state, cancellationToken);

    private async IAsyncEnumerable<OperationSnapshot> ReadStatusStreamAsync(OperationState state, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string statusUrl = StatusUrl(state);
        int query = statusUrl.IndexOf('?', StringComparison.Ordinal);
        string url = (query >= 0 ? statusUrl[..query] : statusUrl).TrimEnd('/') + "/stream" + (_options.IncludeLogs ? "?logs=1" : string.Empty);
        using var message = new HttpRequestMessage(HttpMethod.Get, url);
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using HttpResponseMessage response = await _channel.OpenAsync(message, CallPurpose.Read, cancellationToken).ConfigureAwait(false);
        Stream stream = await ResponseBody.OpenAsync(response.Content, _channel.MaxResponseBytes, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var data = new StringBuilder();
            while (true)
            {
                string? line;
                using (var idle = new CancellationTokenSource(StreamIdleTimeout, _channel.Time))
                using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idle.Token))
                {
                    line = await reader.ReadLineAsync(linked.Token).ConfigureAwait(false);
                }

                if (line is null)
                {
                    yield break;   // the stream ended; the operation falls back to polling if it is not finished
                }

                if (line.Length == 0)
                {
                    if (data.Length > 0)
                    {
                        FalQueueStatus status = JsonSerializer.Deserialize(data.ToString(), SdkJsonContext.Default.FalQueueStatus)
                            ?? throw new JsonException("An empty status event.");
                        data.Clear();
                        yield return ToSnapshot(status, null);
                    }

                    continue;
                }

                if (line.StartsWith("data:", StringComparison.Ordinal))
                {
                    if (data.Length > 0)
                    {
                        data.Append('\n');
                    }

                    data.Append(line.AsSpan(5).TrimStart(' '));
                    if (data.Length > MaxStreamEvent)
                    {
                        throw new LumenfallUnexpectedResponseException($"A fal status event is longer than {MaxStreamEvent:N0} characters.") { Service = Service };
                    }
                }

                // Comments (": ping"), "event:", "id:" and "retry:" lines carry nothing the SDK needs.
            }
        }
    }

    private async Task<ImageGenerationResult> RunSyncAsync(FalImageRequest request, CancellationToken cancellationToken)
    {
        if (request.Submit?.WebhookUrl is not null)
        {
            throw new LumenfallValidationException(
                [new ValidationError("fal_webhook", "queue-only", "a webhook needs the queue; fal's sync endpoint has none (set Submit.Mode to Queue or drop the webhook)")],
                request.ModelId);
        }

        using var message = new HttpRequestMessage(HttpMethod.Post, ServiceChannel.Url(_options.Endpoint, AppPath(request.ModelId)))
        {
            Content = await BodyAsync(request, cancellationToken).ConfigureAwait(false),
        };
        message.Headers.Accept.Add(Json);
        AddSubmitHeaders(message, request.Submit);
        return await _channel.SendAsync(message, CallPurpose.Generation, async (response, context, token) =>
        {
            return await ReadOutputAsync(response, request.ModelId, request is FalAppRequest, ServiceErrors.RequestIdFrom(response.Headers), context, token).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The JSON input: local images uploaded (or inlined) first, then the record's wire fields.</summary>
    private async Task<ByteArrayContent> BodyAsync(FalImageRequest request, CancellationToken cancellationToken)
    {
        ImageRequest resolved = await ResolveLocalImagesAsync(request, cancellationToken).ConfigureAwait(false);
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(resolved.ToJsonObject(), SdkJsonContext.Default.JsonObject));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    private async Task<ImageRequest> ResolveLocalImagesAsync(FalImageRequest request, CancellationToken cancellationToken)
    {
        var replacements = new Dictionary<ImageInput, ImageInput>(ReferenceEqualityComparer.Instance);
        foreach (FileParameter parameter in request.UrlImageParameters)
        {
            IReadOnlyList<ImageInput> inputs = parameter.Inputs ?? [];
            for (int i = 0; i < inputs.Count; i++)
            {
                ImageInput input = inputs[i];
                if (input.Kind == ImageInputKind.Url || replacements.ContainsKey(input))
                {
                    continue;
                }

                PreparedImage image = await PreparedImage.PrepareAsync(input, parameter.IsList ? $"{parameter.WireName}[{i}]" : parameter.WireName, i, _downloader, cancellationToken).ConfigureAwait(false);
                byte[] bytes = await image.ReadAllBytesAsync(cancellationToken).ConfigureAwait(false);
                if (_options.LocalImages == FalLocalImages.InlineDataUri)
                {
                    replacements[input] = ImageInput.FromUrl(DataUri.Encode(bytes, image.MediaType));
                }
                else
                {
                    using var content = new MemoryStream(bytes, writable: false);
                    Uri uploaded = await _uploader.UploadAsync(content, image.MediaType, image.FileName, cancellationToken).ConfigureAwait(false);
                    replacements[input] = ImageInput.FromUrl(uploaded);
                }
            }
        }

        return replacements.Count == 0 ? request : request.WithReplacedImages(replacements);
    }

    private static void AddSubmitHeaders(HttpRequestMessage message, FalSubmitOptions? submit)
    {
        if (submit is null)
        {
            return;
        }

        if (submit.StartTimeout is TimeSpan start)
        {
            message.Headers.TryAddWithoutValidation("x-fal-request-timeout", Math.Ceiling(start.TotalSeconds).ToString(CultureInfo.InvariantCulture));
        }

        if (submit.Priority is FalQueuePriority priority)
        {
            message.Headers.TryAddWithoutValidation("x-fal-queue-priority", priority.Value);
        }

        if (!string.IsNullOrWhiteSpace(submit.RunnerHint))
        {
            message.Headers.TryAddWithoutValidation("x-fal-runner-hint", submit.RunnerHint);
        }

        if (submit.NoRetry)
        {
            message.Headers.TryAddWithoutValidation("x-fal-no-retry", "1");
        }
    }

    /// <summary>
    /// Reads an app's output: the typed shape for a model the SDK ships (anything else is an unexpected response),
    /// and for any other app whatever <c>images[]</c> or <c>image</c> it carries. The output itself is kept as
    /// <see cref="ImageGenerationResult.RawOutput"/>.
    /// </summary>
    private async Task<ImageGenerationResult> ReadOutputAsync(
        HttpResponseMessage response, string modelId, bool untyped, string? requestId, CallContext context, CancellationToken cancellationToken)
    {
        JsonDocument document;
        Stream stream = await ResponseBody.OpenAsync(response.Content, _channel.MaxResponseBytes, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            document = await JsonDocument.ParseAsync(stream, default, cancellationToken).ConfigureAwait(false);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            bool typed = !untyped && ModelCatalog.TryGet(modelId, out ModelDescriptor? model) && model.Service == ImageService.Fal;
            FalOutput output;
            try
            {
                output = root.Deserialize(SdkJsonContext.Default.FalOutput) ?? throw new JsonException("The output is JSON null.");
            }
            catch (JsonException) when (!typed)
            {
                output = AnyOutput(root);
            }

            return ToResult(modelId, requestId, context, output, root.Clone(), requireImages: typed);
        }
    }

    /// <summary>The images of an output whose other fields do not have the usual types: <c>images[]</c> of objects or URLs, or <c>image</c>.</summary>
    private static FalOutput AnyOutput(JsonElement root)
    {
        var images = new List<FalImage>();
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("images", out JsonElement list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement item in list.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String || JsonText.Property(item, "url") is not null)
                {
                    images.Add(AnyImage(item));
                }
            }
        }

        return new FalOutput
        {
            Images = images,
            Image = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("image", out JsonElement single) && JsonText.Property(single, "url") is not null ? AnyImage(single) : null,
        };
    }

    private static FalImage AnyImage(JsonElement item) => item.ValueKind == JsonValueKind.String
        ? new FalImage { Url = JsonText.Read(item) }
        : new FalImage { Url = JsonText.Property(item, "url"), ContentType = JsonText.Property(item, "content_type"), FileName = JsonText.Property(item, "file_name") };

    private ImageGenerationResult ToResult(string modelId, string? requestId, CallContext context, FalOutput output, JsonElement raw, bool requireImages)
    {
        string clientRequestId = context.ClientRequestId;
        List<FalImage> images = [.. output.Images ?? [], .. output.Image is { } single ? [single] : Array.Empty<FalImage>()];
        var results = new List<GeneratedImage>(images.Count);
        for (int i = 0; i < images.Count; i++)
        {
            FalImage? image = images[i];
            if (image is null && requireImages)
            {
                throw WireImages.NullItem(Service, $"images[{i}]", requestId, clientRequestId);
            }

            if (string.IsNullOrEmpty(image?.Url))
            {
                continue;
            }

            bool? nsfw = output.HasNsfwConcepts is { } flags && i < flags.Count ? flags[i] : null;
            results.Add(ImageResults.Create(image.Url, null, Text(image.ContentType), null, _downloader,
                new ImageDetails(image.Width, image.Height, Text(image.FileName), image.FileSize, nsfw), Service,
                i < (output.Images?.Count ?? 0) ? $"images[{i}].url" : "image.url"));
        }

        if (results.Count == 0 && requireImages)
        {
            throw new LumenfallUpstreamException("fal returned an output without images.")
                .With<LumenfallException>(new ServiceErrorDetails(Service, null, null, null, requestId, clientRequestId, null, null));
        }

        return new ImageGenerationResult(modelId, Service, results, requestId)
        {
            ClientRequestId = clientRequestId,
            Response = context.Info,
            Seed = output.Seed,
            Prompt = Text(output.Prompt),
            RawOutput = raw,
            Timings = output.Timings?
                .Where(t => t.Value.ValueKind == JsonValueKind.Number && t.Value.TryGetDouble(out _))
                .ToDictionary(t => t.Key, t => t.Value.GetDouble()),
        };
    }

    /// <summary>Maps a queue status; an unknown status is reported, not thrown.</summary>
    private OperationSnapshot ToSnapshot(FalQueueStatus status, TimeSpan? retryAfter)
    {
        ErrorBody? error = status.Error is JsonElement element ? ErrorBody.FromErrorValue(element, Text(status.ErrorType)) : null;
        if (error is null && Text(status.ErrorType) is string type)
        {
            error = ErrorBody.Empty with { Code = type, Type = type, Message = type };
        }
        else if (error is not null && error.Type is null)
        {
            error = error with { Type = Text(status.ErrorType) };
        }

        ImageOperationStatus mapped = status.Status?.ToUpperInvariant() switch
        {
            "IN_QUEUE" => ImageOperationStatus.Queued,
            "IN_PROGRESS" => ImageOperationStatus.InProgress,
            "COMPLETED" => error is null ? ImageOperationStatus.Succeeded : ImageOperationStatus.Failed,
            "FAILED" or "ERROR" => ImageOperationStatus.Failed,
            "CANCELED" or "CANCELLED" => ImageOperationStatus.Canceled,
            _ => ImageOperationStatus.Unknown,
        };
        return new OperationSnapshot(mapped, status.Status, status.QueuePosition, ReadLogs(status.Logs), error?.Redact(_options.ApiKey), retryAfter)
        {
            Metrics = ReadMetrics(status.Metrics),
        };
    }

    /// <summary>The numbers of a status's <c>metrics</c> object (for example <c>inference_time</c>), or null.</summary>
    private static Dictionary<string, double>? ReadMetrics(JsonElement? metrics)
    {
        if (metrics is not { ValueKind: JsonValueKind.Object } values)
        {
            return null;
        }

        var numbers = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (JsonProperty metric in values.EnumerateObject())
        {
            if (metric.Value.ValueKind == JsonValueKind.Number && metric.Value.TryGetDouble(out double number))
            {
                numbers[metric.Name] = number;
            }
        }

        return numbers.Count == 0 ? null : numbers;
    }

    private static List<OperationLog> ReadLogs(JsonElement? logs)
    {
        var lines = new List<OperationLog>();
        if (logs is not { ValueKind: JsonValueKind.Array } array)
        {
            return lines;
        }

        foreach (JsonElement entry in array.EnumerateArray())
        {
            if (entry.ValueKind == JsonValueKind.String)
            {
                lines.Add(new OperationLog(JsonText.Read(entry)));
            }
            else if (entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("message", out JsonElement message) && message.ValueKind == JsonValueKind.String)
            {
                DateTimeOffset? at = JsonText.Property(entry, "timestamp") is string time
                    && DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset parsed) ? parsed : null;
                lines.Add(new OperationLog(JsonText.Read(message), JsonText.Property(entry, "level"), at));
            }
        }

        return lines;
    }

    private static string? TryReadCancelStatus(byte[] body)
    {
        try
        {
            return body.Length == 0 ? null : Text(JsonSerializer.Deserialize(body, SdkJsonContext.Default.FalCancelResponse)?.Status);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>An app id as URL path segments (validation has refused ids that could change the path).</summary>
    private static string AppPath(string appId) =>
        ServerUrls.EscapePath(appId) ?? throw new ArgumentException($"'{appId}' is not a fal app id.", nameof(appId));

    private FalExecutionMode ModeOf(FalImageRequest request) => request.Submit?.Mode ?? _options.Mode;

    private string StatusUrl(OperationState state) => state.StatusUrl ?? AppUrl(state, "/status");

    /// <summary>Queue URLs use only <c>owner/app</c> of the endpoint id: <c>{queue}/{owner}/{app}/requests/{id}{suffix}</c>.</summary>
    private string AppUrl(OperationState state, string suffix)
    {
        string[] segments = state.ModelId.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string app = string.Join('/', segments.Take(2).Select(Uri.EscapeDataString));
        return ServiceChannel.Url(_options.QueueEndpoint, $"{app}/requests/{Uri.EscapeDataString(state.Id)}{suffix}").AbsoluteUri;
    }

    private static FalImageRequest AsFal(ImageRequest request) =>
        request as FalImageRequest ?? throw new ArgumentException($"{request.GetType().Name} is not a fal request.", nameof(request));

    private static string? Text(string? value) => WireImages.Text(value);
}

/// <summary>Uploads to fal storage: initiate (JSON) on the storage API, then PUT the bytes to the returned URL.</summary>
internal sealed class FalStorageUploader(ServiceChannel channel, FalServiceOptions options) : IFalFileUploader
{
    public async Task<Uri> UploadAsync(Stream content, string contentType, string fileName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var initiate = new HttpRequestMessage(HttpMethod.Post, ServiceChannel.Url(options.StorageEndpoint, "storage/upload/initiate?storage_type=fal-cdn-v3"))
        {
            Content = JsonContent(new FalUploadInitiateRequest { ContentType = contentType, FileName = fileName }),
        };
        FalUploadInitiateResponse target = await channel.SendAsync(
            initiate,
            CallPurpose.Read,
            (response, _, token) => ResponseBody.ReadJsonAsync(response, SdkJsonContext.Default.FalUploadInitiateResponse, channel.MaxResponseBytes, token),
            cancellationToken).ConfigureAwait(false);
        Uri uploadUrl = ServerUrls.Require(target.UploadUrl, "upload_url", ImageService.Fal, options.ApiKey);
        Uri fileUrl = ServerUrls.Require(target.FileUrl, "file_url", ImageService.Fal, options.ApiKey);

        var body = new StreamContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        using var put = new HttpRequestMessage(HttpMethod.Put, uploadUrl) { Content = body };
        await channel.SendAsync(put, CallPurpose.Upload, (_, _, _) => Task.FromResult(true), cancellationToken).ConfigureAwait(false);
        return fileUrl;
    }

    private static ByteArrayContent JsonContent(FalUploadInitiateRequest request)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(request, SdkJsonContext.Default.FalUploadInitiateRequest));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }
}
