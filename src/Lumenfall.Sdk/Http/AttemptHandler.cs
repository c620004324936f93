using System.Diagnostics;
using Lumenfall.Sdk.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Lumenfall.Sdk.Http;

/// <summary>
/// Runs inside the retry pipeline, once per attempt: hands the request to the pipeline's decisions
/// (<see cref="RetryPolicy.RequestKey"/>), and gives each attempt its span and its Debug line (method, URL without
/// query, status, time: never a header or a body).
/// </summary>
internal sealed class AttemptHandler(ILogger logger) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        int attempt = 1;
        if (request.GetResilienceContext() is { } context)
        {
            context.Properties.Set(RetryPolicy.RequestKey, request);
            attempt = (context.Properties.TryGetValue(RetryPolicy.AttemptKey, out int before) ? before : 0) + 1;
            context.Properties.Set(RetryPolicy.AttemptKey, attempt);
        }

        using Activity? activity = SdkTelemetry.Source.StartActivity(request.Method.Method, ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag("http.request.method", request.Method.Method);
            activity.SetTag("server.address", request.RequestUri?.Host);
            activity.SetTag("url.full", request.RequestUri?.GetLeftPart(UriPartial.Path));
            activity.SetTag("http.request.resend_count", attempt - 1);
        }

        TimeProvider time = (CallState.Of(request)?.Settings ?? CallSettings.Unconfigured).Time;
        long started = time.GetTimestamp();
        try
        {
            HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            response.RequestMessage ??= request;
            activity?.SetTag("http.response.status_code", (int)response.StatusCode);
            if (!response.IsSuccessStatusCode)
            {
                activity?.SetStatus(ActivityStatusCode.Error);
            }

            if (logger.IsEnabled(LogLevel.Debug))
            {
                Log.HttpAttempt(logger, request.Method.Method, PathOf(request), (int)response.StatusCode, (long)time.GetElapsedTime(started).TotalMilliseconds, attempt);
            }

            return response;
        }
        catch (Exception ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            if (logger.IsEnabled(LogLevel.Debug))
            {
                Log.HttpAttemptFailed(logger, request.Method.Method, PathOf(request), (long)time.GetElapsedTime(started).TotalMilliseconds, attempt, ex.GetType().Name);
            }

            throw;
        }
    }

    private static string PathOf(HttpRequestMessage request) => request.RequestUri?.GetLeftPart(UriPartial.Path) ?? string.Empty;
}
