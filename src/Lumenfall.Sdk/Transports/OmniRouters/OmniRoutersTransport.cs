using System.Net.Http.Headers;
using System.Text.Json;
using Lumenfall.Sdk.Http;
using Lumenfall.Sdk.Serialization;

namespace Lumenfall.Sdk.Transports.OmniRouters;

/// <summary>
/// OmniRouters' Omni-Image: <c>POST /images/generations</c> (sync), <c>?async=true</c> (a task), and
/// <c>GET /images/generations/{task_id}</c> (the task's status, with the images once completed).
/// </summary>
internal sealed class OmniRoutersTransport(ServiceChannel channel, OmniRoutersServiceOptions options, ImageDownloader downloader)
    : IImageTransport, IOperationProtocol
{
    private static readonly MediaTypeWithQualityHeaderValue Json = new("application/json");

    public ImageService Service => ImageService.OmniRouters;

    public TimeSpan MaxRetryAfter => options.Retry.MaxRetryAfter;

    public PollingOptions Polling => options.Polling;

    public async Task<ImageGenerationResult> GenerateAsync(ImageRequest request, RequestOptions? call, CancellationToken cancellationToken)
    {
        if (options.UseAsyncTasks)
        {
            var operation = (PolledImageOperation)await StartAsync(request, call, cancellationToken).ConfigureAwait(false);
            return await operation.WaitWithinAsync(options.Polling.OperationTimeout, cancellationToken).ConfigureAwait(false);
        }

        using HttpRequestMessage message = Create(request, "images/generations");
        return await channel.SendAsync(message, CallPurpose.Generation, call, async (response, context, token) =>
        {
            OmniRoutersImagesResponse body = await Read(response, token).ConfigureAwait(false);
            string? requestId = WireImages.Text(body.Id) ?? WireImages.Text(body.TaskId) ?? ServiceErrors.RequestIdFrom(response.Headers);
            ThrowIfError(body, ServiceErrorDetails.Of(Service, response.StatusCode, requestId, context.ClientRequestId));
            return ToResult(request.ModelId, body, requestId, context)
                ?? throw new LumenfallUpstreamException($"{Service} answered {(int)response.StatusCode} but returned no images.")
                    .With<LumenfallException>(ServiceErrorDetails.Of(Service, response.StatusCode, requestId, context.ClientRequestId));
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ImageOperation> StartAsync(ImageRequest request, RequestOptions? call, CancellationToken cancellationToken)
    {
        using HttpRequestMessage message = Create(request, "images/generations?async=true");
        // The reply is mapped inside the call, so every failure from here on carries the call's ids, and once the
        // task id is known, the operation id and token as well.
        (OperationState state, OperationSnapshot initial) = await channel.SendAsync(
            message,
            CallPurpose.Generation,
            call,
            async (response, context, token) =>
            {
                OmniRoutersImagesResponse body = await Read(response, token).ConfigureAwait(false);
                ThrowIfError(body, ServiceErrorDetails.Of(Service, response.StatusCode, ServiceErrors.RequestIdFrom(response.Headers), context.ClientRequestId));
                string? taskId = WireImages.Text(body.TaskId) ?? WireImages.Text(body.Id);
                if (!ServerUrls.IsSafeId(taskId, options.ApiKey))
                {
                    throw new LumenfallUnexpectedResponseException(
                        $"{Service} accepted the task but returned {(taskId is null ? "no task_id" : "an unusable task_id")}; it cannot be followed.")
                    {
                        Service = Service,
                        Field = "task_id",
                    };
                }

                var state = new OperationState { Service = Service, ModelId = request.ModelId, Id = taskId! };
                try
                {
                    OperationSnapshot initial = ToSnapshot(body, state, null, context);
                    return (state, body.Status is null ? initial with { Status = ImageOperationStatus.Queued, RawStatus = "queued" } : initial);
                }
                catch (LumenfallException ex)
                {
                    throw ex.ForOperation<LumenfallException>(state.Id, state.ToToken());
                }
            },
            cancellationToken).ConfigureAwait(false);

        return new PolledImageOperation(this, state, channel.Time, useStream: false, initial, call);
    }

    public async Task<OperationSnapshot> GetStatusAsync(OperationState state, RequestOptions? call, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, channel.Url("images/generations/" + Uri.EscapeDataString(state.Id)));
        message.Headers.Accept.Add(Json);
        return await channel.SendAsync(message, CallPurpose.Read, call, async (response, context, token) =>
        {
            OmniRoutersImagesResponse body = await Read(response, token).ConfigureAwait(false);
            return ToSnapshot(body, state, ServiceErrors.RetryAfterFrom(response.Headers, channel.Time), context);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A completed task carries its images; the status lookup is the result.</summary>
    public async Task<ImageGenerationResult> GetResultAsync(OperationState state, RequestOptions? call, CancellationToken cancellationToken)
    {
        OperationSnapshot snapshot = await GetStatusAsync(state, call, cancellationToken).ConfigureAwait(false);
        return snapshot.Result ?? throw new LumenfallUpstreamException($"{Service}: task {state.Id} is {ServiceErrors.Cap(snapshot.RawStatus, 100) ?? "unknown"} and has no images.")
        {
            Service = Service,
            RequestId = state.Id,
        }.Sanitize<LumenfallUpstreamException>(options.ApiKey);
    }

    /// <summary>OmniRouters has no cancel route: reported, not thrown.</summary>
    public Task<CancelOutcome> CancelAsync(OperationState state, RequestOptions? call, CancellationToken cancellationToken) =>
        Task.FromResult(CancelOutcome.NotSupported);

    public IAsyncEnumerable<OperationSnapshot>? StreamStatus(OperationState state, RequestOptions? call, CancellationToken cancellationToken) => null;

    private HttpRequestMessage Create(ImageRequest request, string path)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, channel.FixedUrl(path));
        message.Headers.Accept.Add(Json);
        var content = new ByteArrayContent(request.ToJsonBytes());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        message.Content = content;
        return message;
    }

    private async Task<OmniRoutersImagesResponse> Read(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        (OmniRoutersImagesResponse body, List<ReadOnlyMemory<byte>> decoded, _) = await StreamingImagesReader.ReadAsync(
            response, OmniRoutersImagesResponse.Read, channel.MaxResponseBytes, cancellationToken).ConfigureAwait(false);
        body.Decoded = decoded;
        return body;
    }

    private void ThrowIfError(OmniRoutersImagesResponse body, ServiceErrorDetails details)
    {
        if (body.Error is JsonElement element && ErrorBody.FromErrorValue(element, null) is ErrorBody error)
        {
            throw ServiceErrors.Create(details with { RawBody = element.GetRawText() }, error, options.ApiKey);   // Create redacts and caps the body
        }
    }

    /// <summary>Maps a task's status in any letter case; a status the SDK does not know is reported, not thrown.</summary>
    private OperationSnapshot ToSnapshot(OmniRoutersImagesResponse body, OperationState state, TimeSpan? retryAfter, CallContext context)
    {
        ImageOperationStatus status = body.Status?.Trim().ToUpperInvariant() switch
        {
            "QUEUED" or "SUBMITTED" or "NOT_START" or "PENDING" => ImageOperationStatus.Queued,
            "IN_PROGRESS" or "PROCESSING" or "RUNNING" => ImageOperationStatus.InProgress,
            "COMPLETED" or "SUCCESS" or "SUCCEEDED" => ImageOperationStatus.Succeeded,
            "FAILED" or "FAILURE" or "ERROR" => ImageOperationStatus.Failed,
            "CANCELED" or "CANCELLED" => ImageOperationStatus.Canceled,
            _ => ImageOperationStatus.Unknown,
        };
        ErrorBody? error = body.Error is JsonElement element ? ErrorBody.FromErrorValue(element, null) : null;
        if (status == ImageOperationStatus.Failed && error is null && WireImages.Text(body.Message) is string message)
        {
            error = ErrorBody.Empty with { Message = message };
        }

        ImageGenerationResult? result = status == ImageOperationStatus.Succeeded ? ToResult(state.ModelId, body, state.Id, context) : null;
        return new OperationSnapshot(status, body.Status, null, null, error?.Redact(options.ApiKey), retryAfter, result);
    }

    private ImageGenerationResult? ToResult(string modelId, OmniRoutersImagesResponse body, string? requestId, CallContext context)
    {
        List<GeneratedImage> images = WireImages.ToImages(Service, body.Data, null, downloader, body.Decoded);
        return images.Count == 0
            ? null
            : new ImageGenerationResult(modelId, Service, images, requestId)
            {
                ClientRequestId = context.ClientRequestId,
                Response = context.Info,
                Created = WireImages.UnixTime(body.Created),
                Usage = WireImages.ToUsage(body.Usage),
            };
    }
}
