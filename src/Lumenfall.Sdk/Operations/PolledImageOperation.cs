using System.Net;
using System.Runtime.CompilerServices;
using Lumenfall.Sdk.Http;

namespace Lumenfall.Sdk;

/// <summary>
/// The operation of a queued service (fal queue, OmniRouters async tasks): polls through the service's
/// protocol with backoff on the client's clock, or follows the service's status stream and falls back to
/// polling if the stream drops. Every failure carries the operation id and rehydration token.
/// </summary>
internal sealed class PolledImageOperation : ImageOperation
{
    /// <summary>How many status lookups in a row may fail transiently (429, 5xx, a lookup timeout) before the wait gives up.</summary>
    private const int MaxConsecutivePollFailures = 5;

    private readonly IOperationProtocol _protocol;
    private readonly OperationState _state;
    private readonly RequestOptions? _options;
    private readonly TimeProvider _time;
    private readonly bool _useStream;
    private readonly object _gate = new();
    private readonly List<OperationLog> _logs = [];
    private readonly HashSet<OperationLog> _seenLogs = [];
    private ImageOperationStatus _status;
    private int? _queuePosition;
    private string? _rawStatus;
    private ErrorBody? _error;
    private TimeSpan? _retryAfter;
    private ImageGenerationResult? _value;
    private IReadOnlyDictionary<string, double>? _metrics;
    private string? _token;

    /// <param name="protocol">The service's protocol.</param>
    /// <param name="state">What identifies the operation.</param>
    /// <param name="time">The client's clock.</param>
    /// <param name="useStream">Whether to follow the service's status stream.</param>
    /// <param name="initial">What the submit reply said, or null (a resumed operation).</param>
    /// <param name="options">The settings of the call that started the operation (checked), kept for its own requests; null for a resumed one.</param>
    public PolledImageOperation(IOperationProtocol protocol, OperationState state, TimeProvider time, bool useStream, OperationSnapshot? initial, RequestOptions? options = null)
    {
        _protocol = protocol;
        _state = state;
        _options = options;
        _time = time;
        _useStream = useStream;
        if (initial is not null)
        {
            Apply(initial);
        }
    }

    public override string Id => _state.Id;

    public override string ModelId => _state.ModelId;

    public override ImageService Service => _state.Service;

    public override ImageOperationStatus Status
    {
        get
        {
            lock (_gate)
            {
                return _status;
            }
        }
    }

    public override int? QueuePosition
    {
        get
        {
            lock (_gate)
            {
                return _queuePosition;
            }
        }
    }

    public override IReadOnlyList<OperationLog> Logs
    {
        get
        {
            lock (_gate)
            {
                return [.. _logs];
            }
        }
    }

    public override ImageGenerationResult? Value
    {
        get
        {
            lock (_gate)
            {
                return _value;
            }
        }
    }

    public override string RehydrationToken => _token ??= _state.ToToken();

    internal OperationState State => _state;

    public override async Task<ImageOperationStatus> UpdateStatusAsync(CancellationToken cancellationToken = default)
    {
        OperationSnapshot snapshot = await GuardAsync(() => _protocol.GetStatusAsync(_state, _options, cancellationToken)).ConfigureAwait(false);
        Apply(snapshot);
        return Status;
    }

    public override async Task<ImageGenerationResult> WaitForCompletionAsync(IProgress<OperationUpdate>? progress = null, CancellationToken cancellationToken = default)
    {
        try
        {
            await foreach (OperationUpdate update in WatchAsync(cancellationToken).ConfigureAwait(false))
            {
                progress?.Report(update);
            }

            return await FinishAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested && ex is not LumenfallWaitCanceledException)
        {
            // The caller stopped waiting; the job goes on at the service: hand back what resumes it.
            throw new LumenfallWaitCanceledException(Id, RehydrationToken, new OperationCanceledException(ex.Message, ex, cancellationToken));
        }
    }

    public override async IAsyncEnumerable<OperationUpdate> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        long started = _time.GetTimestamp();
        if (HasCompleted)
        {
            yield return Update([], started);
            yield break;
        }

        if (_useStream && _protocol.StreamStatus(_state, _options, cancellationToken) is { } stream)
        {
            IAsyncEnumerator<OperationSnapshot> events = stream.GetAsyncEnumerator(cancellationToken);
            try
            {
                while (true)
                {
                    OperationSnapshot? snapshot = null;
                    try
                    {
                        if (await events.MoveNextAsync().ConfigureAwait(false))
                        {
                            snapshot = events.Current;
                        }
                    }
                    catch (Exception) when (!cancellationToken.IsCancellationRequested)
                    {
                        // The stream dropped: polling takes over below, the operation is not lost.
                        snapshot = null;
                    }

                    if (snapshot is null)
                    {
                        break;
                    }

                    yield return Update(Apply(snapshot), started);
                    if (HasCompleted)
                    {
                        yield break;
                    }
                }
            }
            finally
            {
                await DisposeQuietlyAsync(events).ConfigureAwait(false);
            }
        }

        bool waitFirst = Status != ImageOperationStatus.Unknown;
        int attempt = 0, failures = 0;

        // A job submitted with a webhook, in a process that receives webhooks, is pushed here (FalWebhooks.Deliver): each
        // wait ends early when it is, and polling is only the slow fallback.
        FalWebhooks.Waiter? webhook = _state.Webhook && FalWebhooks.HasReceiver ? FalWebhooks.Wait(_state.Id) : null;
        try
        {
        while (!HasCompleted)
        {
            if (waitFirst)
            {
                TimeSpan? asked;
                lock (_gate)
                {
                    asked = _retryAfter;
                }

                TimeSpan interval = _protocol.Polling.Interval(attempt++, Capped(asked));
                if (webhook is null)
                {
                    await Task.Delay(interval, _time, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    Task delay = Task.Delay(interval < _protocol.Polling.WebhookFallbackInterval ? _protocol.Polling.WebhookFallbackInterval : interval, _time, cancellationToken);
                    if (await Task.WhenAny(delay, webhook.Delivered).ConfigureAwait(false) == webhook.Delivered)
                    {
                        OperationSnapshot? pushed = _protocol.FromWebhook(_state, await webhook.Delivered.ConfigureAwait(false));
                        webhook.Dispose();
                        webhook = null;
                        if (pushed is not null)
                        {
                            yield return Update(Apply(pushed), started);
                            continue;
                        }
                    }
                    else
                    {
                        await delay.ConfigureAwait(false);
                    }
                }
            }

            waitFirst = true;
            OperationSnapshot snapshot;
            try
            {
                snapshot = await GuardAsync(() => _protocol.GetStatusAsync(_state, _options, cancellationToken)).ConfigureAwait(false);
                failures = 0;
            }
            catch (LumenfallException ex) when (IsTransient(ex) && ++failures <= MaxConsecutivePollFailures)
            {
                // A throttled or failing status lookup, a network blip or a garbled status body says nothing about
                // the job: look again after the wait asked for (capped like the retry handler's).
                lock (_gate)
                {
                    _retryAfter = ex.RetryAfter;
                }

                continue;
            }

            yield return Update(Apply(snapshot), started);
        }
        }
        finally
        {
            webhook?.Dispose();
        }
    }

    public override async Task<CancelOutcome> CancelAsync(CancellationToken cancellationToken = default)
    {
        CancelOutcome outcome = await GuardAsync(() => _protocol.CancelAsync(_state, _options, cancellationToken)).ConfigureAwait(false);
        if (outcome == CancelOutcome.Canceled)
        {
            Apply(new OperationSnapshot(ImageOperationStatus.Canceled, "CANCELED"));
        }

        return outcome;
    }

    /// <summary>
    /// Waits for the operation within <paramref name="timeout"/>; a timeout or the caller's cancellation becomes an
    /// exception that carries the operation id and token (the job keeps running on the service).
    /// </summary>
    internal async Task<ImageGenerationResult> WaitWithinAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timeoutSource = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        try
        {
            return await WaitForCompletionAsync(null, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new LumenfallTimeoutException(
                $"{Service}: operation {Id} did not finish within {timeout}; it may still finish and be billed. Resume it with its rehydration token, or cancel it.",
                timeout)
            {
                Service = Service,
                OperationId = Id,
                RehydrationToken = RehydrationToken,
                RequestId = Id,
            };
        }
        catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested && ex.CancellationToken != cancellationToken)
        {
            // Canceled through the linked token: report it as the caller's own cancellation.
            throw new LumenfallWaitCanceledException(Id, RehydrationToken, new OperationCanceledException(ex.Message, ex, cancellationToken));
        }
    }

    private async Task<ImageGenerationResult> FinishAsync(CancellationToken cancellationToken)
    {
        ImageOperationStatus status;
        ErrorBody? error;
        lock (_gate)
        {
            if (_value is not null)
            {
                return _value;
            }

            status = _status;
            error = _error;
        }

        if (status == ImageOperationStatus.Succeeded)
        {
            ImageGenerationResult result;
            try
            {
                result = await GetResultWithRetriesAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (LumenfallException ex) when (ex.StatusCode is { } code && (int)code is >= 400 and < 500 and not 408 and not 429)
            {
                // The service refused to hand over a result: the run failed after all.
                throw Failed($"{Service}: operation {Id} finished but its result was refused: {ex.Message}", ImageOperationStatus.Failed, ex.ErrorCode, ex.ErrorType, ex);
            }
            catch (LumenfallException ex)
            {
                ex.ForOperation<LumenfallException>(Id, RehydrationToken);
                throw;
            }

            lock (_gate)
            {
                result.Metrics ??= _metrics;
                _value ??= result;
                return _value;
            }
        }

        string what = status == ImageOperationStatus.Canceled ? "was canceled" : "failed";
        throw Failed(
            ServiceErrors.CapMessage($"{Service}: operation {Id} {what}{(error?.Message is { } message ? ": " + message : ".")}"),
            status,
            error?.Code,
            error?.Type,
            null);
    }

    /// <summary>Fetches the result; a network blip, a timeout, a 429 or a 5xx is retried after the poll interval.</summary>
    private async Task<ImageGenerationResult> GetResultWithRetriesAsync(CancellationToken cancellationToken)
    {
        for (int failures = 0; ; failures++)
        {
            try
            {
                return await GuardAsync(() => _protocol.GetResultAsync(_state, _options, cancellationToken)).ConfigureAwait(false);
            }
            catch (LumenfallException ex) when (failures < MaxConsecutivePollFailures
                && (ex is LumenfallNetworkException or LumenfallTimeoutException || ex.StatusCode is HttpStatusCode.TooManyRequests || (int?)ex.StatusCode >= 500))
            {
                await Task.Delay(_protocol.Polling.Interval(failures, Capped(ex.RetryAfter)), _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>A wait the service asked for, no longer than the retry handler would wait.</summary>
    private TimeSpan? Capped(TimeSpan? asked) =>
        asked is TimeSpan wait && wait > _protocol.MaxRetryAfter ? _protocol.MaxRetryAfter : asked;

    private LumenfallOperationFailedException Failed(string message, ImageOperationStatus status, string? code, string? type, Exception? inner) =>
        new LumenfallOperationFailedException(message, status, inner)
            .With<LumenfallOperationFailedException>(ServiceErrorDetails.Of(Service, requestId: Id, errorCode: ServiceErrors.Cap(code, 200), errorType: ServiceErrors.Cap(type, 200)))
            .ForOperation<LumenfallOperationFailedException>(Id, RehydrationToken);

    private IReadOnlyList<OperationLog> Apply(OperationSnapshot snapshot)
    {
        lock (_gate)
        {
            if (_status is ImageOperationStatus.Succeeded or ImageOperationStatus.Failed or ImageOperationStatus.Canceled
                && snapshot.Status != _status && _value is not null)
            {
                return [];   // a finished operation with its result never moves again
            }

            _status = snapshot.Status;
            _rawStatus = snapshot.RawStatus;
            _queuePosition = snapshot.Status == ImageOperationStatus.Queued ? snapshot.QueuePosition : null;
            _retryAfter = snapshot.RetryAfter;
            _error = snapshot.Error ?? _error;
            _metrics = snapshot.Metrics ?? _metrics;
            if (snapshot.Result is not null)
            {
                _value ??= snapshot.Result;
            }

            var fresh = new List<OperationLog>();
            foreach (OperationLog log in snapshot.Logs ?? [])
            {
                if (_seenLogs.Add(log))
                {
                    _logs.Add(log);
                    fresh.Add(log);
                }
            }

            return fresh;
        }
    }

    private OperationUpdate Update(IReadOnlyList<OperationLog> newLogs, long started)
    {
        lock (_gate)
        {
            return new OperationUpdate(_status, _queuePosition, newLogs, _time.GetElapsedTime(started), _rawStatus);
        }
    }

    private async Task<T> GuardAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (LumenfallException ex)
        {
            ex.ForOperation<LumenfallException>(Id, RehydrationToken);
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The channel types every failure; this keeps the promise for anything thrown around it.
            throw new LumenfallUnexpectedResponseException($"{Service}: operation {Id} could not be followed: {ex.GetType().Name}: {ServiceErrors.CapMessage(ex.Message)}", ex) { Service = Service }
                .ForOperation<LumenfallUnexpectedResponseException>(Id, RehydrationToken);
        }
    }

    /// <summary>Failures that say nothing about the job itself: worth another look within the same limit as a 5xx.</summary>
    private static bool IsTransient(LumenfallException exception) =>
        exception is LumenfallRateLimitException or LumenfallUpstreamException or LumenfallTimeoutException
            or LumenfallNetworkException or LumenfallUnexpectedResponseException;

    private static async ValueTask DisposeQuietlyAsync(IAsyncEnumerator<OperationSnapshot> events)
    {
        try
        {
            await events.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException or ObjectDisposedException)
        {
            // Closing a dropped stream may fail; the operation is tracked by polling.
        }
    }
}
