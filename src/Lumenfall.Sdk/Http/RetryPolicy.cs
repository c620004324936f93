using Lumenfall.Sdk.Diagnostics;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Lumenfall.Sdk.Http;

/// <summary>
/// The SDK's retry pipeline, run by Microsoft.Extensions.Http.Resilience's <c>ResilienceHandler</c>: one pipeline per
/// HTTP client that decides per request, from the <see cref="CallState"/> the request carries (its purpose, its
/// client's <see cref="RetryOptions"/> and clock, its deadline). Reads, polls, cancels, uploads and downloads retry on
/// 408, 429, 5xx and network errors. A billable POST (generation, edit, submit) is retried only when it provably was
/// not processed: the connection failed before the request was sent, a 429, or a 503 with <c>Retry-After</c> from a
/// service that documents a 503 as unprocessed (<see cref="CallSettings.Unprocessed503"/>); never after a timeout, a
/// dropped response, or a 500, 502 or 504. fal's 504 with <c>X-Fal-Request-Timeout-Type: user</c> is never retried.
/// <c>Retry-After</c> and <c>retry-after-ms</c> are honoured up to <see cref="RetryOptions.MaxRetryAfter"/> and never
/// past the call's deadline. Every attempt resends the same message, with the same <c>X-Client-Request-Id</c>.
/// </summary>
internal static class RetryPolicy
{
    /// <summary>The pipeline's name under Microsoft.Extensions.Http.Resilience.</summary>
    public const string PipelineName = "Lumenfall.Sdk";

    /// <summary>Where the attempt handler leaves the request for the pipeline's decisions (its <see cref="CallState"/> and its URL).</summary>
    public static readonly ResiliencePropertyKey<HttpRequestMessage> RequestKey = new("Lumenfall.Sdk.Request");

    /// <summary>The attempts made so far in one run of the pipeline.</summary>
    public static readonly ResiliencePropertyKey<int> AttemptKey = new("Lumenfall.Sdk.Attempt");

    /// <summary>The wait <c>ShouldHandle</c> decided on (and checked against the deadline), for <c>DelayGenerator</c>.</summary>
    private static readonly ResiliencePropertyKey<TimeSpan> DelayKey = new("Lumenfall.Sdk.Delay");

    /// <summary>The most retries a request can ask for (<see cref="RetryOptions"/> allows up to 100); each request's own limit applies in <c>ShouldHandle</c>.</summary>
    private const int MostRetries = 100;

    /// <summary>
    /// The handler that runs the pipeline, built at its first request (on <paramref name="time"/>), so that the
    /// process's warm-up (<see cref="WarmUp"/>) has the time until then.
    /// </summary>
    public static ResilienceHandler CreateHandler(TimeProvider time, ILogger logger)
    {
        var pipeline = new Lazy<ResiliencePipeline<HttpResponseMessage>>(() => Build(time, logger), LazyThreadSafetyMode.PublicationOnly);
        return new ResilienceHandler(_ => pipeline.Value);
    }

    /// <summary>A pipeline on <paramref name="time"/>.</summary>
    public static ResiliencePipeline<HttpResponseMessage> Build(TimeProvider time, ILogger logger)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { Name = PipelineName, TimeProvider = time };
        Configure(builder, logger);
        return builder.Build();
    }

    /// <summary>Adds the SDK's retry strategy to <paramref name="builder"/>.</summary>
    private static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, ILogger logger)
    {
        builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
        {
            Name = "Retry",
            MaxRetryAttempts = MostRetries,
            ShouldHandle = args => ValueTask.FromResult(ShouldRetry(logger, args.Context, args.Outcome, args.AttemptNumber)),
            DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(args.Context.Properties.GetValue(DelayKey, TimeSpan.Zero)),
            OnRetry = args =>
            {
                OnRetry(logger, RequestOf(args.Context), args.Outcome, args.AttemptNumber, args.RetryDelay);
                return default;
            },
        });
    }

    private static readonly CallState UnconfiguredPost = new(CallSettings.Unconfigured, CallPurpose.Generation);

    private static readonly CallState UnconfiguredRead = new(CallSettings.Unconfigured, CallPurpose.Read);

    private static HttpRequestMessage? RequestOf(ResilienceContext context) =>
        context.Properties.TryGetValue(RequestKey, out HttpRequestMessage? request) ? request : null;

    /// <summary>A request's state; one the SDK did not make is unconfigured: no key, default retries, billable if it is a POST.</summary>
    private static CallState StateOf(HttpRequestMessage? request) =>
        (request is null ? null : CallState.Of(request)) ?? (request is null || request.Method == HttpMethod.Post ? UnconfiguredPost : UnconfiguredRead);

    /// <summary>
    /// Whether to retry, and if so after how long (left in the context for <c>DelayGenerator</c>): never past the
    /// request's own retry limit, never when the wait would end after the call's deadline.
    /// </summary>
    private static bool ShouldRetry(ILogger logger, ResilienceContext context, Outcome<HttpResponseMessage> outcome, int attemptNumber)
    {
        HttpRequestMessage? request = RequestOf(context);
        CallState state = StateOf(request);
        if (outcome.Result is { IsSuccessStatusCode: true } || attemptNumber >= state.Settings.Retry.MaxRetries)
        {
            return false;
        }

        string? refusal = Refusal(state, outcome);
        if (refusal is null)
        {
            TimeSpan delay = Delay(state.Settings, outcome, attemptNumber);
            TimeProvider time = state.Settings.Time;
            if (state.Deadline is long deadline && time.GetTimestamp() + (long)(delay.TotalSeconds * time.TimestampFrequency) >= deadline)
            {
                refusal = $"the next attempt would start {delay} from now, after the call's timeout";
            }
            else
            {
                context.Properties.Set(DelayKey, delay);
            }
        }

        if (refusal is not null && outcome.Exception is not OperationCanceledException && logger.IsEnabled(LogLevel.Debug))
        {
            Log.NotRetrying(logger, request?.Method.Method ?? "request", request?.RequestUri?.Host, refusal);
        }

        return refusal is null;
    }

    /// <summary>Why an outcome must not be retried, or null when a retry is safe and useful.</summary>
    internal static string? Refusal(CallState state, Outcome<HttpResponseMessage> outcome)
    {
        bool billable = state.Billable;
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

        CallSettings settings = state.Settings;
        TimeSpan? retryAfter = ServiceErrors.RetryAfterFrom(response.Headers, settings.Time);
        if (retryAfter > settings.Retry.MaxRetryAfter)
        {
            return $"the service asked to wait {retryAfter}, more than the {settings.Retry.MaxRetryAfter} cap";
        }

        if (retryAfter is TimeSpan wait && state.Deadline is long deadline
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
            return status == 429 || (status == 503 && retryAfter is not null && settings.Unprocessed503)
                ? null
                : $"a billable request got {status}, which does not prove it was not processed";
        }

        return status is 408 or 429 or >= 500 ? null : $"{status} is not transient";
    }

    /// <summary>A connection that failed before any byte of the request was sent.</summary>
    private static bool NeverSent(HttpRequestException exception) =>
        exception.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
            or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError;

    /// <summary>
    /// The wait before a retry: the service's <c>Retry-After</c> when it sent one (already checked against the cap),
    /// otherwise the request's own backoff: <see cref="RetryOptions.BaseDelay"/> doubled per retry up to
    /// <see cref="RetryOptions.MaxDelay"/>, with jitter between half and all of it.
    /// </summary>
    private static TimeSpan Delay(CallSettings settings, Outcome<HttpResponseMessage> outcome, int attemptNumber)
    {
        if (outcome.Result is { } response && ServiceErrors.RetryAfterFrom(response.Headers, settings.Time) is TimeSpan asked)
        {
            return asked;
        }

        RetryOptions retry = settings.Retry;
        double ceiling = Math.Min(retry.MaxDelay.TotalMilliseconds, retry.BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attemptNumber, 30)));
        return TimeSpan.FromMilliseconds(ceiling * (0.5 + (Random.Shared.NextDouble() / 2)));
    }

    private static void OnRetry(ILogger logger, HttpRequestMessage? request, Outcome<HttpResponseMessage> outcome, int attemptNumber, TimeSpan delay)
    {
        StateOf(request).AllowAnotherSend();   // the replay guard lets exactly this retry through
        string method = request?.Method.Method ?? "request";
        string reason = outcome.Exception is { } ex ? ex.GetType().Name : $"status {(int)outcome.Result!.StatusCode}";
        if (logger.IsEnabled(LogLevel.Warning))
        {
            string? clientRequestId = request is not null && request.Headers.TryGetValues(ServiceChannel.ClientRequestIdHeader, out IEnumerable<string>? ids) ? ids.FirstOrDefault() : null;
            Log.Retrying(logger, method, request?.RequestUri?.GetLeftPart(UriPartial.Path) ?? string.Empty, attemptNumber + 1, (long)delay.TotalMilliseconds, reason, clientRequestId);
        }

        SdkTelemetry.Retries.Add(1, new KeyValuePair<string, object?>("http.request.method", method), new KeyValuePair<string, object?>("server.address", request?.RequestUri?.Host));
    }
}
