using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace Lumenfall.Sdk.Diagnostics;

/// <summary>
/// The SDK's <see cref="ActivitySource"/> and <see cref="Meter"/>, both named <c>Lumenfall.Sdk</c>: a span per
/// operation (with the OpenTelemetry GenAI attributes), a span per HTTP attempt and per poll, an operation
/// duration histogram, a retry counter and an outcome counter. Spans and tags never carry image bytes or keys.
/// </summary>
public static class SdkTelemetry
{
    /// <summary>The name of the activity source and of the meter.</summary>
    public const string Name = "Lumenfall.Sdk";

    private static readonly string Version =
        typeof(SdkTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    internal static readonly ActivitySource Source = new(Name, Version);

    internal static readonly Meter Meter = new(Name, Version);

    /// <summary>Seconds from the start of a generation (or operation wait) to its end.</summary>
    internal static readonly Histogram<double> OperationDuration = Meter.CreateHistogram<double>(
        "lumenfall.sdk.operation.duration", unit: "s", description: "Duration of SDK operations (generate, start, wait).");

    /// <summary>Retries the resilience handler made.</summary>
    internal static readonly Counter<long> Retries = Meter.CreateCounter<long>(
        "lumenfall.sdk.http.retries", unit: "{retry}", description: "HTTP attempts retried by the SDK.");

    /// <summary>How operations ended: success, failure, canceled, timeout, invalid.</summary>
    internal static readonly Counter<long> Outcomes = Meter.CreateCounter<long>(
        "lumenfall.sdk.operation.outcomes", unit: "{operation}", description: "SDK operations by outcome.");

    /// <summary>The <c>gen_ai.provider.name</c> of a service.</summary>
    internal static string ProviderName(ImageService service) => service switch
    {
        ImageService.Lumenfall => "lumenfall",
        ImageService.Fal => "fal",
        ImageService.OmniRouters => "omnirouters",
        _ => "unknown",
    };

    /// <summary>The outcome tag for an exception.</summary>
    internal static string OutcomeOf(Exception exception) => exception switch
    {
        LumenfallValidationException => "invalid",
        LumenfallTimeoutException => "timeout",
        OperationCanceledException => "canceled",
        _ => "failure",
    };
}
