using System.Net;
using System.Reflection;

namespace Lumenfall.Sdk.Http;

/// <summary>
/// Builds the HTTP clients a client uses when it is not given them by a host: per service, the auth handler
/// over one shared <see cref="SocketsHttpHandler"/>; for downloads, no auth handler at all. Timeouts are
/// enforced by the SDK, so <see cref="HttpClient.Timeout"/> is infinite.
/// </summary>
internal static class HttpStack
{
    private static readonly Lazy<SocketsHttpHandler> Sockets = new(() => new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(30),
        AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate | DecompressionMethods.Brotli,
    });

    /// <summary>The process-wide connection pool for clients built without a host.</summary>
    public static HttpMessageHandler SharedHandler => Sockets.Value;

    public static string UserAgent { get; } =
        $"Lumenfall.Sdk/{typeof(HttpStack).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0"} (.NET {Environment.Version})";

    /// <summary>The authorization scheme each service expects.</summary>
    public static string AuthScheme(ImageService service) => service == ImageService.Fal ? "Key" : "Bearer";

    /// <summary>A service client: the auth handler for that service's hosts over <paramref name="inner"/>.</summary>
    public static HttpClient CreateServiceClient(ImageService service, ServiceOptions options, HttpMessageHandler inner)
    {
        var auth = new AuthorizationHandler(AuthScheme(service), () => options.ApiKey, () => Endpoints(options)) { InnerHandler = inner };
        return Configure(new HttpClient(auth, disposeHandler: false));
    }

    /// <summary>A client for result downloads: no credentials of any service.</summary>
    public static HttpClient CreateDownloadClient(HttpMessageHandler inner) => Configure(new HttpClient(inner, disposeHandler: false));

    /// <summary>The base URLs a service's key may be sent to.</summary>
    public static IReadOnlyList<Uri> Endpoints(ServiceOptions options) =>
        options is FalServiceOptions fal ? [fal.Endpoint, fal.QueueEndpoint, fal.StorageEndpoint] : [options.Endpoint];

    private static HttpClient Configure(HttpClient client)
    {
        client.Timeout = Timeout.InfiniteTimeSpan;
        client.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
        return client;
    }
}
