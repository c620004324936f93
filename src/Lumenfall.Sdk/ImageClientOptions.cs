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
