using System.Diagnostics;
using Lumenfall.Sdk.Diagnostics;
using Lumenfall.Sdk.Http;
using Lumenfall.Sdk.Transports;
using Lumenfall.Sdk.Transports.Fal;
using Lumenfall.Sdk.Transports.Lumenfall;
using Lumenfall.Sdk.Transports.OmniRouters;
using Microsoft.Extensions.Logging;

namespace Lumenfall.Sdk;

/// <summary>The span, log lines and metrics around every call of the client.</summary>
public partial class ImageClient
{
    /// <summary>
    /// Runs one call in a span with the GenAI attributes, and records its duration and outcome. The call uses the
    /// options current when it starts, and <paramref name="options"/> checked and copied, passed down with it.
    /// </summary>
    private async Task<T> TraceAsync<T>(string operation, ImageRequest request, RequestOptions? options, Func<IImageTransport, RequestOptions?, Task<T>> call, Func<T, ImageGenerationResult?> resultOf)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequestOptions? checkedOptions = options?.Checked();
        Core core = _current();
        LumenfallOptions settings = core.Options;
        string provider = SdkTelemetry.ProviderName(request.Service);
        using Activity? activity = SdkTelemetry.Source.StartActivity($"generate_content {request.ModelId}", ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag("gen_ai.operation.name", "generate_content");
            activity.SetTag("gen_ai.request.model", request.ModelId);
            activity.SetTag("gen_ai.provider.name", provider);
            activity.SetTag("gen_ai.output.type", "image");
            activity.SetTag("lumenfall.operation", operation);
            activity.SetTag("lumenfall.request.mode", request.Mode == ImageMode.Edit ? "edit" : "text-to-image");
            activity.SetTag("gen_ai.request.image.count", request.RequestedImageCount);
            activity.SetTag("gen_ai.request.image.size", request.RequestedSize);
            if (settings.EnableSensitiveData)
            {
                activity.SetTag("gen_ai.input.prompt", request.PromptText);
            }
        }

        long started = settings.TimeProvider.GetTimestamp();
        Log.Sending(_logger, operation, request.ModelId, request.Service);
        if (settings.EnableSensitiveData && request.PromptText is string prompt)
        {
            Log.Prompt(_logger, request.ModelId, prompt);
        }

        try
        {
            IImageTransport transport = Prepare(core, request, checkedOptions);
            T value = await call(transport, checkedOptions).ConfigureAwait(false);
            ImageGenerationResult? result = resultOf(value);
            TimeSpan elapsed = settings.TimeProvider.GetElapsedTime(started);
            string? apiKey = settings.For(request.Service).ApiKey;
            if (activity is not null && result is not null)
            {
                activity.SetTag("gen_ai.response.id", ServiceErrors.Redact(result.RequestId, apiKey));
                activity.SetTag("gen_ai.response.image.count", result.Images.Count);
                activity.SetTag("gen_ai.response.model", result.ExecutedModel ?? result.ResponseModel);
            }

            if (value is ImageOperation { HasCompleted: false } running)
            {
                activity?.SetTag("lumenfall.operation.id", ServiceErrors.Redact(running.Id, apiKey));
                Log.OperationStarted(_logger, ServiceErrors.Redact(running.Id, apiKey)!, request.ModelId, request.Service);
            }

            Log.Finished(_logger, operation, request.ModelId, request.Service, (long)elapsed.TotalMilliseconds, result?.Images.Count ?? 0, ServiceErrors.Redact(result?.RequestId, apiKey));
            Record(operation, request, provider, "success", null, elapsed);
            return value;
        }
        catch (Exception ex)
        {
            (ex as LumenfallException)?.Sanitize<LumenfallException>(settings.For(request.Service).ApiKey);   // a last pass: every path redacts already
            TimeSpan elapsed = settings.TimeProvider.GetElapsedTime(started);
            string outcome = SdkTelemetry.OutcomeOf(ex);
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            activity?.SetTag("error.type", ex is LumenfallException { ErrorCode: { } code } ? code : ex.GetType().Name);
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                var failure = ex as LumenfallException;
                int? status = failure?.StatusCode is { } code2 ? (int)code2 : null;
                Log.Failed(_logger, operation, request.ModelId, request.Service, (long)elapsed.TotalMilliseconds, ex.GetType().Name, status, failure?.ErrorCode, failure?.RequestId ?? failure?.OperationId);
            }

            Record(operation, request, provider, outcome, ex.GetType().Name, elapsed);
            throw;
        }
    }

    private static void Record(string operation, ImageRequest request, string provider, string outcome, string? errorType, TimeSpan elapsed)
    {
        var tags = new TagList
        {
            { "gen_ai.request.model", request.ModelId },
            { "gen_ai.provider.name", provider },
            { "lumenfall.operation", operation },
            { "lumenfall.outcome", outcome },
        };
        if (errorType is not null)
        {
            tags.Add("error.type", errorType);
        }

        SdkTelemetry.OperationDuration.Record(elapsed.TotalSeconds, tags);
        SdkTelemetry.Outcomes.Add(1, tags);
    }
}
