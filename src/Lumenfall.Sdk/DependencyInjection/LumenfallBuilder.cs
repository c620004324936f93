using Lumenfall.Sdk;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>What <c>AddLumenfall</c> registered: the services, and each service's HTTP client builder for your own handlers.</summary>
public sealed class LumenfallBuilder
{
    internal LumenfallBuilder(IServiceCollection services, string name)
    {
        Services = services;
        Name = name;
    }

    /// <summary>Gets the service collection.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Gets the options name of this registration.</summary>
    public string Name { get; }

    /// <summary>Gets the HTTP client of the Lumenfall gateway.</summary>
    public IHttpClientBuilder LumenfallHttpClient => HttpClients[ImageService.Lumenfall];

    /// <summary>Gets the HTTP client of fal.ai (sync, queue and storage).</summary>
    public IHttpClientBuilder FalHttpClient => HttpClients[ImageService.Fal];

    /// <summary>Gets the HTTP client of OmniRouters.</summary>
    public IHttpClientBuilder OmniRoutersHttpClient => HttpClients[ImageService.OmniRouters];

    /// <summary>Gets the HTTP client that downloads result images (it never carries an API key).</summary>
    public IHttpClientBuilder DownloadHttpClient { get; internal set; } = null!;

    internal Dictionary<ImageService, IHttpClientBuilder> HttpClients { get; } = [];
}
