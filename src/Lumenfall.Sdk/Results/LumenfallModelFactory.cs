using System.Net;
using System.Text.Json;
using Lumenfall.Sdk.Http;

namespace Lumenfall.Sdk;

/// <summary>
/// Builds the SDK's results, operations, updates and exceptions for the tests of your own code, with no HTTP: mock
/// or subclass <see cref="ImageClient"/> (its methods are virtual) and return what these methods make.
/// </summary>
public static class LumenfallModelFactory
{
    /// <summary>A generated image: a URL, or bytes (the media type is read from them).</summary>
    /// <param name="uri">Where the image can be downloaded.</param>
    /// <param name="data">The image bytes.</param>
    /// <param name="mediaType">The media type, when no bytes tell it.</param>
    /// <param name="revisedPrompt">The prompt the model used.</param>
    /// <param name="width">The width in pixels.</param>
    /// <param name="height">The height in pixels.</param>
    /// <param name="fileName">The service's file name.</param>
    /// <returns>The image.</returns>
    public static GeneratedImage GeneratedImage(
        Uri? uri = null, ReadOnlyMemory<byte>? data = null, string? mediaType = null, string? revisedPrompt = null, int? width = null, int? height = null, string? fileName = null) =>
        new(uri ?? (data is null ? new Uri("https://images.example.com/image.png") : null), data, mediaType, revisedPrompt)
        {
            Width = width,
            Height = height,
            FileName = fileName,
        };

    /// <summary>A finished generation's result.</summary>
    /// <param name="modelId">The model.</param>
    /// <param name="service">The service.</param>
    /// <param name="images">The images; one image URL when omitted.</param>
    /// <param name="requestId">The service's request id.</param>
    /// <param name="clientRequestId">The SDK's client request id.</param>
    /// <param name="seed">The seed.</param>
    /// <param name="response">The HTTP response it came from.</param>
    /// <param name="metrics">The service's metrics (fal's <c>inference_time</c>…).</param>
    /// <param name="rawOutput">A fal app's raw output.</param>
    /// <returns>The result.</returns>
    public static ImageGenerationResult ImageGenerationResult(
        string modelId = "gpt-image-2",
        ImageService service = ImageService.Lumenfall,
        IEnumerable<GeneratedImage>? images = null,
        string? requestId = "req_test",
        string? clientRequestId = null,
        long? seed = null,
        ResponseInfo? response = null,
        IReadOnlyDictionary<string, double>? metrics = null,
        JsonElement? rawOutput = null) =>
        new(modelId, service, images?.ToList() ?? [GeneratedImage()], requestId)
        {
            ClientRequestId = clientRequestId,
            Seed = seed,
            Response = response,
            Metrics = metrics,
            RawOutput = rawOutput,
        };

    /// <summary>The description of an HTTP response.</summary>
    /// <param name="statusCode">The status.</param>
    /// <param name="headers">Headers by name.</param>
    /// <param name="requestId">The service's request id.</param>
    /// <param name="clientRequestId">The SDK's client request id.</param>
    /// <returns>The response description.</returns>
    public static ResponseInfo ResponseInfo(
        HttpStatusCode statusCode = HttpStatusCode.OK, IReadOnlyDictionary<string, string>? headers = null, string? requestId = null, string? clientRequestId = null) =>
        new(statusCode, headers?.ToDictionary(h => h.Key, h => (IReadOnlyList<string>)[h.Value]), requestId, clientRequestId);

    /// <summary>A change seen while watching an operation.</summary>
    /// <param name="status">The status.</param>
    /// <param name="queuePosition">The queue position.</param>
    /// <param name="newLogs">New log lines.</param>
    /// <param name="elapsed">Time since watching began.</param>
    /// <param name="rawStatus">The service's status text.</param>
    /// <returns>The update.</returns>
    public static OperationUpdate OperationUpdate(
        ImageOperationStatus status, int? queuePosition = null, IEnumerable<OperationLog>? newLogs = null, TimeSpan elapsed = default, string? rawStatus = null) =>
        new(status, queuePosition, newLogs?.ToList() ?? [], elapsed, rawStatus ?? status.ToString());

    /// <summary>
    /// An operation in any state. Waiting on it returns <paramref name="result"/> when it has one (a queued or running
    /// operation then behaves as if it finished), throws <see cref="LumenfallOperationFailedException"/> when it
    /// failed or was canceled, and <see cref="LumenfallTimeoutException"/> (with its id and token) when it is still
    /// pending without a result. Cancelling reports what the real service would.
    /// </summary>
    /// <param name="status">Where the operation stands.</param>
    /// <param name="result">Its result, if it has one (or will have, for a pending operation).</param>
    /// <param name="id">Its id.</param>
    /// <param name="modelId">Its model.</param>
    /// <param name="service">Its service.</param>
    /// <param name="queuePosition">Its queue position while queued.</param>
    /// <param name="logs">Its log lines.</param>
    /// <param name="rehydrationToken">Its token; a test token when omitted.</param>
    /// <returns>The operation.</returns>
    public static ImageOperation ImageOperation(
        ImageOperationStatus status,
        ImageGenerationResult? result = null,
        string id = "op_test",
        string modelId = "fal-ai/omnigen-v1",
        ImageService service = ImageService.Fal,
        int? queuePosition = null,
        IEnumerable<OperationLog>? logs = null,
        string? rehydrationToken = null) =>
        new FakeImageOperation(status, result, id, modelId, service, queuePosition, logs?.ToList() ?? [], rehydrationToken ?? "lmfop1.test-" + id);

    /// <summary>The exception a service error becomes: the subtype the SDK would throw for this status and code.</summary>
    /// <param name="statusCode">The HTTP status, for example 429.</param>
    /// <param name="errorCode">The service's error code, for example <c>MODEL_NOT_FOUND</c> or <c>content_policy_violation</c>.</param>
    /// <param name="message">The service's message.</param>
    /// <param name="requestId">The service's request id.</param>
    /// <param name="retryAfter">The wait the service asked for.</param>
    /// <param name="service">The service.</param>
    /// <param name="operationId">The operation the failure belongs to.</param>
    /// <param name="rehydrationToken">The operation's token.</param>
    /// <param name="response">The HTTP response it came from (see <see cref="ResponseInfo(HttpStatusCode, IReadOnlyDictionary{string, string}?, string?, string?)"/>).</param>
    /// <param name="errorType">The service's error type, for example <c>invalid_request_error</c>.</param>
    /// <param name="parameterName">The parameter the service blamed (a 400 becomes a <see cref="LumenfallBadRequestException"/> with it).</param>
    /// <param name="rawBody">The response body as the service sent it.</param>
    /// <returns>The exception, for example a <see cref="LumenfallRateLimitException"/> for 429.</returns>
    public static LumenfallException ServiceException(
        HttpStatusCode statusCode,
        string? errorCode = null,
        string? message = null,
        string? requestId = null,
        TimeSpan? retryAfter = null,
        ImageService service = ImageService.Lumenfall,
        string? operationId = null,
        string? rehydrationToken = null,
        ResponseInfo? response = null,
        string? errorType = null,
        string? parameterName = null,
        string? rawBody = null)
    {
        LumenfallException exception = ServiceErrors.Create(
            ServiceErrorDetails.Of(service, statusCode, requestId, retryAfter: retryAfter) with { RawBody = rawBody },
            ErrorBody.Empty with { Message = message, Code = errorCode, Type = errorType, Param = parameterName },
            apiKey: null);
        exception.FillCall(service, response?.ClientRequestId!, requestId, response);
        return operationId is null ? exception : exception.ForOperation<LumenfallException>(operationId, rehydrationToken);
    }

    /// <summary>A validation failure, as the SDK throws before sending.</summary>
    /// <param name="errors">The broken rules.</param>
    /// <returns>The exception.</returns>
    public static LumenfallValidationException ValidationException(params ValidationError[] errors) => new(errors);

    /// <summary>A timeout, of a call or of the wait for an operation.</summary>
    /// <param name="timeout">The timeout that ran out.</param>
    /// <param name="operationId">The operation, for a wait.</param>
    /// <param name="rehydrationToken">Its token.</param>
    /// <returns>The exception.</returns>
    public static LumenfallTimeoutException TimeoutException(TimeSpan timeout, string? operationId = null, string? rehydrationToken = null) =>
        new($"No complete response within {timeout}.", timeout) { OperationId = operationId, RehydrationToken = rehydrationToken };

    /// <summary>A failed or canceled operation.</summary>
    /// <param name="operationId">The operation.</param>
    /// <param name="status"><see cref="ImageOperationStatus.Failed"/> or <see cref="ImageOperationStatus.Canceled"/>.</param>
    /// <param name="message">What the service said.</param>
    /// <param name="errorCode">The service's error type.</param>
    /// <param name="rehydrationToken">Its token.</param>
    /// <returns>The exception.</returns>
    public static LumenfallOperationFailedException OperationFailedException(
        string operationId, ImageOperationStatus status = ImageOperationStatus.Failed, string? message = null, string? errorCode = null, string? rehydrationToken = null) =>
        new LumenfallOperationFailedException(message ?? $"Operation {operationId} {(status == ImageOperationStatus.Canceled ? "was canceled" : "failed")}.", status)
        {
            ErrorCode = errorCode,
            OperationId = operationId,
            RehydrationToken = rehydrationToken,
        };

    /// <summary>A network failure: the connection failed, was reset, or the body broke off.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="clientRequestId">The SDK's client request id.</param>
    /// <returns>The exception.</returns>
    public static LumenfallNetworkException NetworkException(string message = "The connection was reset.", string? clientRequestId = null) =>
        new(message) { ClientRequestId = clientRequestId };

    /// <summary>A response the SDK could not use.</summary>
    /// <param name="field">The field to blame.</param>
    /// <param name="message">What was wrong.</param>
    /// <returns>The exception.</returns>
    public static LumenfallUnexpectedResponseException UnexpectedResponseException(string? field = null, string message = "The service sent a response the SDK could not use.") =>
        new(message) { Field = field };

    /// <summary>An operation for tests: fixed state, scripted outcome.</summary>
    private sealed class FakeImageOperation(
        ImageOperationStatus status, ImageGenerationResult? result, string id, string modelId, ImageService service, int? queuePosition, IReadOnlyList<OperationLog> logs, string token)
        : ImageOperation
    {
        private ImageOperationStatus _status = status;

        public override string Id => id;

        public override string ModelId => modelId;

        public override ImageService Service => service;

        public override ImageOperationStatus Status => _status;

        public override int? QueuePosition => _status == ImageOperationStatus.Queued ? queuePosition : null;

        public override IReadOnlyList<OperationLog> Logs => logs;

        public override ImageGenerationResult? Value => _status == ImageOperationStatus.Succeeded ? result : null;

        public override string? RehydrationToken => token;

        public override Task<ImageOperationStatus> UpdateStatusAsync(CancellationToken cancellationToken = default) => Task.FromResult(_status);

        public override Task<ImageGenerationResult> WaitForCompletionAsync(IProgress<OperationUpdate>? progress = null, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_status is ImageOperationStatus.Failed or ImageOperationStatus.Canceled)
            {
                return Task.FromException<ImageGenerationResult>(OperationFailedException(id, _status, rehydrationToken: token));
            }

            if (result is null)
            {
                return Task.FromException<ImageGenerationResult>(TimeoutException(TimeSpan.Zero, id, token));
            }

            _status = ImageOperationStatus.Succeeded;
            progress?.Report(OperationUpdate(ImageOperationStatus.Succeeded, newLogs: logs));
            return Task.FromResult(result);
        }

        public override Task<CancelOutcome> CancelAsync(CancellationToken cancellationToken = default)
        {
            CancelOutcome outcome = _status switch
            {
                ImageOperationStatus.Queued or ImageOperationStatus.Unknown => CancelOutcome.Canceled,
                ImageOperationStatus.InProgress => CancelOutcome.CancellationRequested,
                _ => CancelOutcome.AlreadyCompleted,
            };
            if (outcome == CancelOutcome.Canceled)
            {
                _status = ImageOperationStatus.Canceled;
            }

            return Task.FromResult(outcome);
        }
    }
}
