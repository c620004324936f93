using Lumenfall.Sdk;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>What <c>AddLumenfall</c> registered: the services, and each service's HTTP client builder for your own handlers.</summary>
public sealed class LumenfallBuilder
{
    internal LumenfallBuilder(IServiceCollection services, string name, string? serviceKey)
    {
        Services = services;
        Name = name;
        ServiceKey = serviceKey;
    }

    /// <summary>Gets the service collection.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Gets the options name of this registration.</summary>
    public string Name { get; }

    /// <summary>Gets the key of the <see cref="ImageClient"/> this registration adds (<c>AddKeyedLumenfall</c>); null for the unkeyed client.</summary>
    public string? ServiceKey { get; }

    /// <summary>Resolves the <see cref="ImageClient"/> of this registration.</summary>
    /// <param name="provider">The service provider.</param>
    /// <returns>A client built from this registration's current options.</returns>
    public ImageClient GetClient(IServiceProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return ServiceKey is null ? provider.GetRequiredService<ImageClient>() : provider.GetRequiredKeyedService<ImageClient>(ServiceKey);
    }

    /// <summary>Gets the HTTP client of the Lumenfall gateway.</summary>
    public IHttpClientBuilder GatewayHttpClient => HttpClients[ImageService.Lumenfall];

    /// <summary>Gets the HTTP client of fal.ai (sync, queue and storage).</summary>
    public IHttpClientBuilder FalHttpClient => HttpClients[ImageService.Fal];

    /// <summary>Gets the HTTP client of OmniRouters.</summary>
    public IHttpClientBuilder OmniRoutersHttpClient => HttpClients[ImageService.OmniRouters];

    /// <summary>Gets the HTTP client that downloads result images (it never carries an API key).</summary>
    public IHttpClientBuilder DownloadHttpClient { get; internal set; } = null!;

    internal Dictionary<ImageService, IHttpClientBuilder> HttpClients { get; } = [];
}
