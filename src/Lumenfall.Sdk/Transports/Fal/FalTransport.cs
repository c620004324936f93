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
internal sealed partial class FalTransport : IImageTransport, IOperationProtocol
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

    public async Task<ImageGenerationResult> GenerateAsync(ImageRequest request, RequestOptions? options, CancellationToken cancellationToken)
    {
        FalImageRequest fal = AsFal(request);
        if (ModeOf(fal) == FalExecutionMode.Sync)
        {
            return await RunSyncAsync(fal, options, cancellationToken).ConfigureAwait(false);
        }

        var operation = (PolledImageOperation)await StartAsync(fal, options, cancellationToken).ConfigureAwait(false);
        return await operation.WaitWithinAsync(_options.Polling.OperationTimeout, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ImageOperation> StartAsync(ImageRequest request, RequestOptions? options, CancellationToken cancellationToken)
    {
        FalImageRequest fal = AsFal(request);
        if (ModeOf(fal) == FalExecutionMode.Sync)
        {
            return new CompletedImageOperation(await RunSyncAsync(fal, options, cancellationToken).ConfigureAwait(false));
        }

        string url = ServiceChannel.Url(_options.QueueEndpoint, AppPath(fal.ModelId)).AbsoluteUri;
        if (fal.Submit?.WebhookUrl is Uri webhook)
        {
            url += "?fal_webhook=" + Uri.EscapeDataString(webhook.AbsoluteUri);
        }

        using var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = await BodyAsync(fal, options, cancellationToken).ConfigureAwait(false) };
        message.Headers.Accept.Add(Json);
        AddSubmitHeaders(message, fal.Submit);

        // The reply is checked inside the call, so a failure carries the call's ids as well as the operation's.
        (OperationState state, OperationSnapshot initial) = await _channel.SendAsync(
            message,
            CallPurpose.Generation,
            options,
            async (response, _, token) =>
            {
                FalQueueStatus submitted = await ResponseBody.ReadJsonAsync(response, SdkJsonContext.Default.FalQueueStatus, _channel.MaxResponseBytes, token).ConfigureAwait(false);
                return (Accept(submitted, fal.ModelId) with { Untyped = fal is FalAppRequest, Webhook = fal.Submit?.WebhookUrl is not null }, Initial(submitted));
            },
            cancellationToken).ConfigureAwait(false);

        return new PolledImageOperation(this, state, _channel.Time, _options.UseStatusStream, initial, options);
    }

    /// <summary>
    /// The operation a submit reply describes. The id must be usable in a URL path, otherwise the failure names the
    /// field. The reply's queue URLs are not kept: the SDK builds them from the id (see <see cref="QueueUrl"/>).
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

        return new OperationState { Service = Service, ModelId = modelId, Id = submitted.RequestId! };
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

    private async Task<ImageGenerationResult> RunSyncAsync(FalImageRequest request, RequestOptions? options, CancellationToken cancellationToken)
    {
        if (request.Submit?.WebhookUrl is not null)
        {
            throw new LumenfallValidationException(
                [new ValidationError("fal_webhook", "queue-only", "a webhook needs the queue; fal's sync endpoint has none (set Submit.Mode to Queue or drop the webhook)")],
                request.ModelId);
        }

        using var message = new HttpRequestMessage(HttpMethod.Post, ServiceChannel.Url(_options.Endpoint, AppPath(request.ModelId)))
        {
            Content = await BodyAsync(request, options, cancellationToken).ConfigureAwait(false),
        };
        message.Headers.Accept.Add(Json);
        AddSubmitHeaders(message, request.Submit);
        return await _channel.SendAsync(message, CallPurpose.Generation, options, async (response, context, token) =>
        {
            return await ReadOutputAsync(response, request.ModelId, request is FalAppRequest, ServiceErrors.RequestIdFrom(response.Headers), context, token).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The JSON input: local images uploaded (or inlined) first, then the record's wire fields.</summary>
    private async Task<ByteArrayContent> BodyAsync(FalImageRequest request, RequestOptions? options, CancellationToken cancellationToken)
    {
        ImageRequest resolved = await ResolveLocalImagesAsync(request, options, cancellationToken).ConfigureAwait(false);
        var content = new ByteArrayContent(resolved.ToJsonBytes());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    private async Task<ImageRequest> ResolveLocalImagesAsync(FalImageRequest request, RequestOptions? options, CancellationToken cancellationToken)
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
                    Uri uploaded = _uploader is FalStorageUploader storage
                        ? await storage.UploadAsync(content, image.MediaType, image.FileName, options, cancellationToken).ConfigureAwait(false)
                        : await _uploader.UploadAsync(content, image.MediaType, image.FileName, cancellationToken).ConfigureAwait(false);
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

    /// <summary>An app id as URL path segments (validation has refused ids that could change the path).</summary>
    private static string AppPath(string appId) =>
        ServerUrls.EscapePath(appId) ?? throw new ArgumentException($"'{appId}' is not a fal app id.", nameof(appId));

    private FalExecutionMode ModeOf(FalImageRequest request) => request.Submit?.Mode ?? _options.Mode;

    private static FalImageRequest AsFal(ImageRequest request) =>
        request as FalImageRequest ?? throw new ArgumentException($"{request.GetType().Name} is not a fal request.", nameof(request));

    private static string? Text(string? value) => WireImages.Text(value);
}
