using Microsoft.Extensions.Logging;

namespace Lumenfall.Sdk.Diagnostics;

/// <summary>
/// Source-generated log messages. Debug for the lifecycle, Warning for retries; prompts only through
/// <see cref="Prompt"/>, which the SDK calls only when sensitive data is enabled. Nothing here takes image bytes,
/// base64, data URIs, headers or keys.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Sending {Operation} for {Model} to {Service}.")]
    public static partial void Sending(ILogger logger, string operation, string model, ImageService service);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "{Operation} for {Model} on {Service} finished in {ElapsedMs} ms with {ImageCount} image(s); request id {RequestId}.")]
    public static partial void Finished(ILogger logger, string operation, string model, ImageService service, long elapsedMs, int imageCount, string? requestId);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "{Operation} for {Model} on {Service} failed after {ElapsedMs} ms: {ErrorType} (status {StatusCode}, code {ErrorCode}, request id {RequestId}).")]
    public static partial void Failed(ILogger logger, string operation, string model, ImageService service, long elapsedMs, string errorType, int? statusCode, string? errorCode, string? requestId);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "Operation {OperationId} for {Model} on {Service} started.")]
    public static partial void OperationStarted(ILogger logger, string operationId, string model, ImageService service);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "Prompt for {Model}: {Prompt}")]
    public static partial void Prompt(ILogger logger, string model, string prompt);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Sending {Model} with {Parameter} as given at validation level {Level}: {Problem} (rule {Rule}).")]
    public static partial void ValidationRelaxed(ILogger logger, string model, string parameter, ValidationLevel level, string problem, string rule);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "The reloaded Lumenfall options are not usable and were ignored; new clients keep the previous settings: {Problems}")]
    public static partial void ReloadIgnored(ILogger logger, string problems);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Retrying {Method} {Url} (attempt {Attempt}) after {DelayMs} ms: {Reason}. Client request id {ClientRequestId}.")]
    public static partial void Retrying(ILogger logger, string method, string url, int attempt, long delayMs, string reason, string? clientRequestId);

    [LoggerMessage(EventId = 12, Level = LogLevel.Debug, Message = "HTTP {Method} {Url} answered {StatusCode} in {ElapsedMs} ms (attempt {Attempt}).")]
    public static partial void HttpAttempt(ILogger logger, string method, string url, int statusCode, long elapsedMs, int attempt);

    [LoggerMessage(EventId = 13, Level = LogLevel.Debug, Message = "HTTP {Method} {Url} failed after {ElapsedMs} ms (attempt {Attempt}): {ErrorType}.")]
    public static partial void HttpAttemptFailed(ILogger logger, string method, string url, long elapsedMs, int attempt, string errorType);

    [LoggerMessage(EventId = 11, Level = LogLevel.Debug, Message = "Not retrying {Method} to {Host}: {Reason}.")]
    public static partial void NotRetrying(ILogger logger, string method, string? host, string reason);
}
