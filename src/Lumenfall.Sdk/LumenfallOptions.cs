using System.Net;

namespace Lumenfall.Sdk;

/// <summary>
/// Settings for an <see cref="ImageClient"/>: one block per service (key, endpoint, timeouts, retries, polling),
/// downloads, telemetry and the clock. Bound from the <c>Lumenfall</c> configuration section and the environment by
/// <c>services.AddLumenfall(…)</c> and <see cref="ImageClient.FromEnvironment"/>.
/// </summary>
public sealed class LumenfallOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Lumenfall";

    /// <summary>Gets the Lumenfall gateway settings (default endpoint <c>https://api.lumenfall.ai/openai/v1</c>).</summary>
    public ServiceOptions Lumenfall { get; } = new(new Uri("https://api.lumenfall.ai/openai/v1"));

    /// <summary>Gets the fal.ai settings (default endpoints <c>https://fal.run</c> and <c>https://queue.fal.run</c>).</summary>
    public FalServiceOptions Fal { get; } = new();

    /// <summary>Gets the OmniRouters settings (default endpoint <c>https://omnirouters.com/v1</c>; polls every 5 seconds as the service recommends).</summary>
    public OmniRoutersServiceOptions OmniRouters { get; } = new();

    /// <summary>Gets or sets the clock used for every wait and timeout (replace it in tests).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Gets or sets how long downloading one result image may take (default 5 minutes).</summary>
    public TimeSpan DownloadTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets how downloads of result images are retried.</summary>
    public RetryOptions DownloadRetry { get; } = new();

    /// <summary>Gets or sets the largest response body the SDK reads, in bytes (default 256 MB).</summary>
    public long MaxResponseBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// Gets or sets how strictly requests are checked before they are sent (default <see cref="ValidationLevel.Strict"/>);
    /// a request's own <see cref="ImageRequest.Validation"/> wins. Relaxed rules are logged as warnings.
    /// </summary>
    public ValidationLevel Validation { get; set; } = ValidationLevel.Strict;

    /// <summary>
    /// Gets or sets whether logs and traces may contain prompts (default false). Image bytes, base64, data URIs and
    /// API keys are never logged, whatever this says.
    /// </summary>
    public bool EnableSensitiveData { get; set; }

    /// <summary>
    /// Checks the settings: absolute endpoints, <c>https</c> unless the host is a loopback address, timeouts that
    /// are positive and at most 24 days (or infinite), and sane retry and polling values. Every client checks them
    /// when it is built, so no setting fails after a billable request was sent.
    /// </summary>
    /// <returns>One message per problem, each naming the setting; empty when the settings are usable.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        foreach ((string name, ServiceOptions service) in Services)
        {
            service.Validate($"{SectionName}:{name}", problems);
        }

        CheckTimeout($"{SectionName}:DownloadTimeout", DownloadTimeout, problems);
        if (!Enum.IsDefined(Validation))
        {
            problems.Add($"{SectionName}:Validation must be Strict, Lenient or None (was {Validation}).");
        }

        if (TimeProvider is null)
        {
            problems.Add($"{SectionName}:TimeProvider must not be null.");
        }

        if (MaxResponseBytes <= 0 || MaxResponseBytes > Array.MaxLength)
        {
            problems.Add($"{SectionName}:MaxResponseBytes must be positive and at most {Array.MaxLength:N0} (was {MaxResponseBytes}).");
        }

        DownloadRetry.Validate($"{SectionName}:DownloadRetry", problems);
        return problems;
    }

    /// <inheritdoc />
    public override string ToString() =>
        string.Join("; ", Services.Select(s => $"{s.Name}: {s.Options}"));

    /// <summary>The longest timeout or wait a setting may hold, other than <see cref="Timeout.InfiniteTimeSpan"/> (timers cannot go further).</summary>
    internal static readonly TimeSpan MaxWait = TimeSpan.FromDays(24);

    /// <summary>A timeout must be positive and at most <see cref="MaxWait"/>, or infinite.</summary>
    internal static void CheckTimeout(string name, TimeSpan timeout, List<string> problems)
    {
        if (timeout != Timeout.InfiniteTimeSpan && (timeout <= TimeSpan.Zero || timeout > MaxWait))
        {
            problems.Add($"{name} must be positive and at most {MaxWait}, or Timeout.InfiniteTimeSpan (was {timeout}).");
        }
    }

    internal IEnumerable<(string Name, ServiceOptions Options)> Services =>
        [(nameof(Lumenfall), Lumenfall), (nameof(Fal), Fal), (nameof(OmniRouters), OmniRouters)];

    /// <summary>Gets the settings of one service.</summary>
    /// <param name="service">The service.</param>
    /// <returns>Its settings.</returns>
    public ServiceOptions For(ImageService service) => service switch
    {
        ImageService.Lumenfall => Lumenfall,
        ImageService.Fal => Fal,
        ImageService.OmniRouters => OmniRouters,
        _ => throw new ArgumentOutOfRangeException(nameof(service), service, "Unknown service."),
    };
}

/// <summary>Settings for one service: its API key and endpoint.</summary>
public class ServiceOptions
{
    /// <summary>Creates settings with a default endpoint.</summary>
    /// <param name="endpoint">The service's base URL.</param>
    public ServiceOptions(Uri endpoint) => Endpoint = endpoint;

    /// <summary>Gets or sets the API key. Never printed by <see cref="ToString"/>, logs or exceptions.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets the service's base URL.</summary>
    public Uri Endpoint { get; set; }

    /// <summary>
    /// Gets or sets how long a synchronous generation or edit may take, response body included (default 10
    /// minutes: GPT Image 2's p95 is about 143 s and slow models take several minutes). Enforced by the SDK,
    /// not by <see cref="HttpClient.Timeout"/>. <see cref="Timeout.InfiniteTimeSpan"/> waits forever.
    /// </summary>
    public TimeSpan GenerationTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets or sets how long a read (models, status polls, results, cancels) may take (default 60 seconds).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets how long-running operations are polled (fal queue, OmniRouters async tasks).</summary>
    public PollingOptions Polling { get; } = new();

    /// <summary>Gets how failed calls are retried (a billable POST only when it provably was not processed).</summary>
    public RetryOptions Retry { get; } = new();

    /// <summary>The base URLs this service's key may be sent to.</summary>
    internal virtual IReadOnlyList<Uri> Endpoints => [Endpoint];

    /// <inheritdoc />
    public override string ToString() => $"Endpoint = {Endpoint}, ApiKey = {(string.IsNullOrEmpty(ApiKey) ? "(not set)" : "***")}";

    internal void Validate(string prefix, List<string> problems)
    {
        if (ApiKey is not null && ApiKey.Any(c => c is < ' ' or > '~'))
        {
            problems.Add($"{prefix}:ApiKey holds a line break, a control or a non-ASCII character; it is sent as a header (check for a trailing newline).");
        }

        foreach ((string name, Uri? endpoint) in EndpointSettings)
        {
            if (endpoint is null || !endpoint.IsAbsoluteUri)
            {
                problems.Add($"{prefix}:{name} must be an absolute URL (was '{endpoint}').");
            }
            else if (endpoint.Scheme == Uri.UriSchemeHttp && !IsLoopback(endpoint))
            {
                problems.Add($"{prefix}:{name} uses http:// for {endpoint.Host}; only loopback addresses may use http, use https.");
            }
            else if (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps)
            {
                problems.Add($"{prefix}:{name} must be an http(s) URL (was '{endpoint}').");
            }
        }

        LumenfallOptions.CheckTimeout($"{prefix}:GenerationTimeout", GenerationTimeout, problems);
        LumenfallOptions.CheckTimeout($"{prefix}:RequestTimeout", RequestTimeout, problems);
        LumenfallOptions.CheckTimeout($"{prefix}:Polling:OperationTimeout", Polling.OperationTimeout, problems);
        if (Polling.InitialInterval <= TimeSpan.Zero || Polling.MaxInterval < Polling.InitialInterval || Polling.MaxInterval > LumenfallOptions.MaxWait)
        {
            problems.Add($"{prefix}:Polling needs 0 < InitialInterval <= MaxInterval <= {LumenfallOptions.MaxWait} (was {Polling.InitialInterval} and {Polling.MaxInterval}).");
        }

        if (!(Polling.BackoffMultiplier >= 1 && double.IsFinite(Polling.BackoffMultiplier)))
        {
            problems.Add($"{prefix}:Polling:BackoffMultiplier must be a finite number of at least 1 (was {Polling.BackoffMultiplier}).");
        }

        Retry.Validate($"{prefix}:Retry", problems);
    }

    /// <summary>Each endpoint setting by its configuration name.</summary>
    private protected virtual IEnumerable<(string Name, Uri? Endpoint)> EndpointSettings => [(nameof(Endpoint), Endpoint)];

    /// <summary>Whether a URL's host is a loopback address (or <c>localhost</c>).</summary>
    internal static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out IPAddress? address) && IPAddress.IsLoopback(address));
}

/// <summary>
/// How failed calls are retried: exponential backoff with jitter, <c>Retry-After</c> honoured up to a cap. Reads,
/// polls, cancels and downloads retry on 408, 429, 5xx and network errors; a billable POST (generation, edit,
/// submit) only when it provably was not processed (connection refused, 429, or 503 with Retry-After).
/// </summary>
public sealed class RetryOptions
{
    /// <summary>Gets or sets the most retries after the first attempt (default 3; 0 turns retries off).</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>Gets or sets the first backoff delay (default 1 second), doubled per retry, with jitter.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest backoff delay (default 30 seconds).</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets the longest <c>Retry-After</c> the SDK waits (default 60 seconds). A service asking for more
    /// gets no retry: the call fails with <see cref="LumenfallRateLimitException"/> carrying the wait.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);

    internal void Validate(string prefix, List<string> problems)
    {
        if (MaxRetries < 0)
        {
            problems.Add($"{prefix}:MaxRetries must be 0 or more (was {MaxRetries}).");
        }

        if (MaxRetries > 100)
        {
            problems.Add($"{prefix}:MaxRetries must be at most 100 (was {MaxRetries}).");
        }

        if (BaseDelay <= TimeSpan.Zero || MaxDelay < BaseDelay || MaxDelay > LumenfallOptions.MaxWait)
        {
            problems.Add($"{prefix} needs 0 < BaseDelay <= MaxDelay <= {LumenfallOptions.MaxWait} (was {BaseDelay} and {MaxDelay}).");
        }

        if (MaxRetryAfter < TimeSpan.Zero || MaxRetryAfter > LumenfallOptions.MaxWait)
        {
            problems.Add($"{prefix}:MaxRetryAfter must be between 0 and {LumenfallOptions.MaxWait} (was {MaxRetryAfter}).");
        }
    }
}

/// <summary>fal.ai settings: the sync endpoint (<see cref="ServiceOptions.Endpoint"/>), the queue, storage, and how jobs are run and watched.</summary>
public sealed class FalServiceOptions : ServiceOptions
{
    /// <summary>Creates fal settings with the default endpoints.</summary>
    public FalServiceOptions()
        : base(new Uri("https://fal.run"))
    {
    }

    /// <summary>Gets or sets the queue's base URL (default <c>https://queue.fal.run</c>).</summary>
    public Uri QueueEndpoint { get; set; } = new("https://queue.fal.run");

    /// <summary>Gets or sets the storage API's base URL, used to upload local input images (default <c>https://rest.fal.ai</c>).</summary>
    public Uri StorageEndpoint { get; set; } = new("https://rest.fal.ai");

    /// <summary>Gets or sets how requests run by default: through the queue (the default, with status, logs, cancel and resume) or synchronously.</summary>
    public FalExecutionMode Mode { get; set; } = FalExecutionMode.Queue;

    /// <summary>Gets or sets whether to follow a queued job through fal's server-sent status stream instead of polling; if the stream drops, polling takes over.</summary>
    public bool UseStatusStream { get; set; }

    /// <summary>Gets or sets whether status requests ask for the job's logs (<c>logs=1</c>).</summary>
    public bool IncludeLogs { get; set; }

    /// <summary>Gets or sets what happens to local input images (files, streams, bytes): uploaded to fal storage (default) or inlined as data URIs.</summary>
    public FalLocalImages LocalImages { get; set; } = FalLocalImages.Upload;

    /// <summary>Gets or sets the uploader for local input images; null uses fal storage (initiate, then PUT the bytes).</summary>
    public IFalFileUploader? Uploader { get; set; }

    /// <inheritdoc />
    internal override IReadOnlyList<Uri> Endpoints => [Endpoint, QueueEndpoint, StorageEndpoint];

    /// <inheritdoc />
    private protected override IEnumerable<(string Name, Uri? Endpoint)> EndpointSettings =>
        [(nameof(Endpoint), Endpoint), (nameof(QueueEndpoint), QueueEndpoint), (nameof(StorageEndpoint), StorageEndpoint)];
}

/// <summary>OmniRouters settings.</summary>
public sealed class OmniRoutersServiceOptions : ServiceOptions
{
    /// <summary>Creates OmniRouters settings with the default endpoint and a 5-second poll interval.</summary>
    public OmniRoutersServiceOptions()
        : base(new Uri("https://omnirouters.com/v1"))
    {
        Polling.InitialInterval = TimeSpan.FromSeconds(5);
        Polling.MaxInterval = TimeSpan.FromSeconds(5);
        Polling.BackoffMultiplier = 1;
    }

    /// <summary>
    /// Gets or sets whether <see cref="ImageClient.GenerateAsync"/> creates an async task (<c>?async=true</c>) and
    /// polls it, instead of one synchronous call. <see cref="ImageClient.StartAsync"/> always creates a task.
    /// </summary>
    public bool UseAsyncTasks { get; set; }
}

/// <summary>How a fal request runs.</summary>
public enum FalExecutionMode
{
    /// <summary>Submit to <c>queue.fal.run</c>, then watch and fetch the result.</summary>
    Queue,

    /// <summary>POST to <c>fal.run</c> and wait for the output in the response (fal never retries these).</summary>
    Sync,
}

/// <summary>What the SDK does with a local input image for a fal model, which takes URLs.</summary>
public enum FalLocalImages
{
    /// <summary>Upload it to fal storage and send the file URL.</summary>
    Upload,

    /// <summary>Send it inline as a <c>data:</c> URI (fine for small images; accepted by many fal models).</summary>
    InlineDataUri,
}

/// <summary>Uploads a local input image somewhere a fal model can read it, and returns the URL.</summary>
public interface IFalFileUploader
{
    /// <summary>Uploads one image.</summary>
    /// <param name="content">The image bytes; read once, not disposed.</param>
    /// <param name="contentType">Its media type, for example <c>image/png</c>.</param>
    /// <param name="fileName">Its file name, with the matching extension.</param>
    /// <param name="cancellationToken">Stops the upload.</param>
    /// <returns>A URL the model can fetch.</returns>
    Task<Uri> UploadAsync(Stream content, string contentType, string fileName, CancellationToken cancellationToken);
}
