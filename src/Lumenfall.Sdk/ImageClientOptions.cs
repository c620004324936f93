namespace Lumenfall.Sdk;

/// <summary>Settings for an <see cref="ImageClient"/>: one block per service, and the clock it waits with.</summary>
public sealed class ImageClientOptions
{
    /// <summary>Gets the Lumenfall gateway settings (default endpoint <c>https://api.lumenfall.ai/openai/v1</c>).</summary>
    public ServiceOptions Lumenfall { get; } = new(new Uri("https://api.lumenfall.ai/openai/v1"));

    /// <summary>Gets the fal.ai settings (default endpoints <c>https://fal.run</c> and <c>https://queue.fal.run</c>).</summary>
    public FalServiceOptions Fal { get; } = new();

    /// <summary>Gets the OmniRouters settings (default endpoint <c>https://omnirouters.com/v1</c>).</summary>
    public ServiceOptions OmniRouters { get; } = new(new Uri("https://omnirouters.com/v1"));

    /// <summary>Gets or sets the clock used for every wait and timeout (replace it in tests).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Gets or sets how long downloading one result image may take (default 5 minutes).</summary>
    public TimeSpan DownloadTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets the largest response body the SDK reads, in bytes (default 256 MB).</summary>
    public long MaxResponseBytes { get; set; } = 256L * 1024 * 1024;

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

    /// <inheritdoc />
    public override string ToString() => $"Endpoint = {Endpoint}, ApiKey = {(string.IsNullOrEmpty(ApiKey) ? "(not set)" : "***")}";
}

/// <summary>fal.ai settings: the sync endpoint (<see cref="ServiceOptions.Endpoint"/>) and the queue endpoint.</summary>
public sealed class FalServiceOptions : ServiceOptions
{
    /// <summary>Creates fal settings with the default endpoints.</summary>
    public FalServiceOptions()
        : base(new Uri("https://fal.run"))
    {
    }

    /// <summary>Gets or sets the queue's base URL.</summary>
    public Uri QueueEndpoint { get; set; } = new("https://queue.fal.run");
}
