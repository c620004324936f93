using System.Diagnostics;
using System.Net;
using System.Runtime.CompilerServices;
using Lumenfall.Sdk.Diagnostics;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Lumenfall.Sdk.Http;

/// <summary>
/// Retries failed attempts on Polly.Core: exponential backoff with jitter on the client's clock, <c>Retry-After</c>
/// and <c>retry-after-ms</c> honoured up to a cap. Reads, polls, cancels, uploads and downloads retry on 408, 429,
/// 5xx and network errors. A billable POST (generation, edit, submit) is retried only when it provably was not
/// processed: the connection failed before the request was sent, a 429, or a 503 with <c>Retry-After</c>; never
/// after a read timeout, a dropped response, or a 500, 502 or 504. fal's 504 with
/// <c>X-Fal-Request-Timeout-Type: user</c> is never retried. Every attempt resends the same message, so it keeps the
/// same <c>X-Client-Request-Id</c>, and each attempt gets its own span.
/// </summary>
internal sealed class ResilienceHandler : DelegatingHandler
{
    private static readonly ResiliencePropertyKey<HttpRequestMessage> RequestKey = new("Lumenfall.Sdk.Request");

    private static readonly CallSettings Unconfigured = new(null, null, [], new RetryOptions(), TimeProvider.System);

    private readonly ConditionalWeakTable<RetryOptions, ResiliencePipeline<HttpResponseMessage>> _pipelines = [];
    private readonly ILogger _logger;

    public ResilienceHandler(ILogger logger) => _logger = logger;

    /// <summary>The pipeline for a request's retry settings: one per (frozen) <see cref="RetryOptions"/>, built once.</summary>
    private ResiliencePipeline<HttpResponseMessage> PipelineFor(CallSettings settings) =>
        _pipelines.TryGetValue(settings.Retry, out ResiliencePipeline<HttpResponseMessage>? pipeline) ? pipeline : Build(settings);

    private ResiliencePipeline<HttpResponseMessage> Build(CallSettings settings) =>
        _pipelines.GetValue(settings.Retry, retry => retry.MaxRetries <= 0
            ? ResiliencePipeline<HttpResponseMessage>.Empty
            : new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = settings.Time }
                .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
                {
                    MaxRetryAttempts = retry.MaxRetries,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = retry.BaseDelay,
                    MaxDelay = retry.MaxDelay,
                    ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Context, args.Outcome)),
                    DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result is { } response ? RetryAfter(args.Context, response) : null),
                    OnRetry = args =>
                    {
                        OnRetry(args.Context, args.Outcome, args.AttemptNumber, args.RetryDelay);
                        return default;
                    },
                })
                .Build());

    private static CallSettings SettingsOf(HttpRequestMessage request) =>
        CallRequest.SettingsOf(request) ?? Unconfigured;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // The first attempt runs outside Polly: most succeed (or fail in a way never retried), and then the pipeline,
        // its context and its state machines are never needed. Only an outcome that will be retried enters the
        // pipeline, which receives it as its own first attempt, so delays and attempt numbers are as if it had run it.
        Outcome<HttpResponseMessage> first = await TryAttemptAsync(request, 1, cancellationToken).ConfigureAwait(false);
        ResiliencePipeline<HttpResponseMessage> pipeline = PipelineFor(SettingsOf(request));
        if (ReferenceEquals(pipeline, ResiliencePipeline<HttpResponseMessage>.Empty) || !ShouldRetry(request, first))
        {
            first.ThrowIfException();
            return first.Result!;
        }

        ResilienceContext context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(RequestKey, request);
        try
        {
            var state = new Attempts(this, request, first);
            Outcome<HttpResponseMessage> outcome = await pipeline.ExecuteOutcomeAsync(
                static (ctx, state) => state.NextAsync(ctx.CancellationToken), context, state).ConfigureAwait(false);
            if (!state.FirstTaken)
            {
                first.Result?.Dispose();   // canceled before the pipeline took it: nobody else will release its connection
            }

            outcome.ThrowIfException();
            return outcome.Result!;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async ValueTask<Outcome<HttpResponseMessage>> TryAttemptAsync(HttpRequestMessage request, int attempt, CancellationToken cancellationToken)
    {
        try
        {
            return Outcome.FromResult(await SendAttemptAsync(request, attempt, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            return Outcome.FromException<HttpResponseMessage>(ex);
        }
    }

    /// <summary>The attempts of one request inside the pipeline: the first is the outcome already in hand.</summary>
    private sealed class Attempts(ResilienceHandler handler, HttpRequestMessage request, Outcome<HttpResponseMessage> first)
    {
        private int _attempts;

        /// <summary>Gets whether the pipeline took the first outcome (and so owns its response).</summary>
        public bool FirstTaken => _attempts > 0;

        public ValueTask<Outcome<HttpResponseMessage>> NextAsync(CancellationToken cancellationToken)
        {
            int attempt = ++_attempts;
            return attempt == 1 ? ValueTask.FromResult(first) : handler.TryAttemptAsync(request, attempt, cancellationToken);
        }
    }

    /// <summary>Whether a request must be treated as billable: generation, edit or submit POSTs (and any POST without a purpose).</summary>
    internal static bool IsBillable(HttpRequestMessage request) =>
        (request as CallRequest)?.Purpose is CallPurpose purpose
            ? purpose == CallPurpose.Generation
            : request.Method == HttpMethod.Post;

    private async Task<HttpResponseMessage> SendAttemptAsync(HttpRequestMessage request, int attempt, CancellationToken cancellationToken)
    {
        using Activity? activity = SdkTelemetry.Source.StartActivity($"{request.Method.Method}", ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag("http.request.method", request.Method.Method);
            activity.SetTag("server.address", request.RequestUri?.Host);
            activity.SetTag("url.full", request.RequestUri?.GetLeftPart(UriPartial.Path));
            activity.SetTag("http.request.resend_count", attempt - 1);
        }

        TimeProvider time = SettingsOf(request).Time;
        long started = time.GetTimestamp();
        try
        {
            HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            activity?.SetTag("http.response.status_code", (int)response.StatusCode);
            if (!response.IsSuccessStatusCode)
            {
                activity?.SetStatus(ActivityStatusCode.Error);
            }

            if (_logger.IsEnabled(LogLevel.Debug))
            {
                Log.HttpAttempt(_logger, request.Method.Method, PathOf(request), (int)response.StatusCode, (long)time.GetElapsedTime(started).TotalMilliseconds, attempt);
            }

            return response;
        }
        catch (Exception ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                Log.HttpAttemptFailed(_logger, request.Method.Method, PathOf(request), (long)time.GetElapsedTime(started).TotalMilliseconds, attempt, ex.GetType().Name);
            }

            throw;
        }
    }

    private bool ShouldRetry(ResilienceContext context, Outcome<HttpResponseMessage> outcome) =>
        ShouldRetry(context.Properties.GetValue(RequestKey, null!), outcome);

    private bool ShouldRetry(HttpRequestMessage request, Outcome<HttpResponseMessage> outcome)
    {
        string? refusal = Refusal(request, outcome);
        if (refusal is not null && outcome.Exception is not OperationCanceledException)
        {
            Log.NotRetrying(_logger, request.Method.Method, request.RequestUri?.Host, refusal);
        }

        return refusal is null;
    }

    /// <summary>Why an outcome must not be retried, or null when a retry is safe and useful.</summary>
    private static string? Refusal(HttpRequestMessage request, Outcome<HttpResponseMessage> outcome)
    {
        bool billable = IsBillable(request);
        if (outcome.Exception is { } exception)
        {
            return exception switch
            {
                OperationCanceledException => "canceled or timed out: the request may have been processed",
                HttpRequestException http when !billable || NeverSent(http) => null,
                HttpRequestException => "a billable request failed after it may have been sent",
                _ => "not a transient failure",
            };
        }

        HttpResponseMessage response = outcome.Result!;
        int status = (int)response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            return "succeeded";
        }

        CallSettings settings = SettingsOf(request);
        TimeSpan? retryAfter = ServiceErrors.RetryAfterFrom(response.Headers, settings.Time);
        if (retryAfter > settings.Retry.MaxRetryAfter)
        {
            return $"the service asked to wait {retryAfter}, more than the {settings.Retry.MaxRetryAfter} cap";
        }

        if (retryAfter is TimeSpan wait && (request as CallRequest)?.Deadline is long deadline
            && settings.Time.GetTimestamp() + (long)(wait.TotalSeconds * settings.Time.TimestampFrequency) >= deadline)
        {
            return $"the service asked to wait {wait}, past the call's timeout";
        }

        if (status == 504 && response.Headers.TryGetValues("X-Fal-Request-Timeout-Type", out IEnumerable<string>? types)
            && types.Any(t => string.Equals(t, "user", StringComparison.OrdinalIgnoreCase)))
        {
            return "the caller's own start timeout fired (X-Fal-Request-Timeout-Type: user)";
        }

        if (billable)
        {
            return status == 429 || (status == 503 && retryAfter is not null)
                ? null
                : $"a billable request got {status}, which does not prove it was not processed";
        }

        return status is 408 or 429 or >= 500 ? null : $"{status} is not transient";
    }

    /// <summary>A connection that failed before any byte of the request was sent.</summary>
    private static bool NeverSent(HttpRequestException exception) =>
        exception.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
            or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError;

    private static TimeSpan? RetryAfter(ResilienceContext context, HttpResponseMessage response) =>
        ServiceErrors.RetryAfterFrom(response.Headers, SettingsOf(context.Properties.GetValue(RequestKey, null!)).Time);

    private void OnRetry(ResilienceContext context, Outcome<HttpResponseMessage> outcome, int attemptNumber, TimeSpan delay)
    {
        HttpRequestMessage request = context.Properties.GetValue(RequestKey, null!);
        string reason = outcome.Exception is { } ex ? ex.GetType().Name : $"status {(int)outcome.Result!.StatusCode}";
        if (_logger.IsEnabled(LogLevel.Warning))
        {
            string? clientRequestId = request.Headers.TryGetValues(ServiceChannel.ClientRequestIdHeader, out IEnumerable<string>? ids) ? ids.FirstOrDefault() : null;
            Log.Retrying(_logger, request.Method.Method, PathOf(request), attemptNumber + 1, (long)delay.TotalMilliseconds, reason, clientRequestId);
        }

        SdkTelemetry.Retries.Add(1, new KeyValuePair<string, object?>("http.request.method", request.Method.Method), new KeyValuePair<string, object?>("server.address", request.RequestUri?.Host));
    }

    private static string PathOf(HttpRequestMessage request) => request.RequestUri?.GetLeftPart(UriPartial.Path) ?? string.Empty;
}

/// <summary>
/// Follows redirects itself (the primary handler must not), so every hop passes the authorization handler again
/// and a redirect to another host never carries the key. 303 (and 301/302 after a POST) become a GET without body.
/// </summary>
internal sealed class RedirectHandler : DelegatingHandler
{
    private const int MaxRedirects = 5;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        for (int hop = 0; hop < MaxRedirects && IsRedirect(response.StatusCode) && response.Headers.Location is { } location; hop++)
        {
            Uri target = location.IsAbsoluteUri ? location : new Uri(request.RequestUri!, location);
            if (target.Scheme is not ("http" or "https"))
            {
                break;
            }

            bool toGet = response.StatusCode == HttpStatusCode.SeeOther
                || (response.StatusCode is HttpStatusCode.Moved or HttpStatusCode.Found && request.Method == HttpMethod.Post);
            response.Dispose();
            request.RequestUri = target;
            if (toGet)
            {
                request.Method = HttpMethod.Get;
                request.Content = null;
            }

            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        return response;
    }

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.Moved or HttpStatusCode.Found or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;
}
