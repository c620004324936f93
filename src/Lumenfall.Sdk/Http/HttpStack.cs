using System.Net;
using System.Reflection;
using Microsoft.Extensions.Logging;

namespace Lumenfall.Sdk.Http;

/// <summary>
/// The SDK's handler chain, the same with or without a host: redirects (followed here, so each hop is checked)
/// → authorization (the service's key, only for its own hosts) → resilience (retries per purpose) → the primary
/// handler. Downloads get the same chain without authorization. Timeouts are enforced by the SDK, so
/// <see cref="HttpClient.Timeout"/> is infinite.
/// </summary>
internal static class HttpStack
{
    private static readonly Lazy<SocketsHttpHandler> Sockets = new(CreatePrimaryHandler);

    /// <summary>The process-wide connection pool for clients built without a host.</summary>
    public static HttpMessageHandler SharedHandler => Sockets.Value;

    public static string UserAgent { get; } =
        $"Lumenfall.Sdk/{typeof(HttpStack).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0"} (.NET {Environment.Version})";

    /// <summary>The primary handler: pooled connections renewed every 5 minutes, no automatic redirects.</summary>
    public static SocketsHttpHandler CreatePrimaryHandler() => new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(30),
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate | DecompressionMethods.Brotli,
    };

    /// <summary>The authorization scheme each service expects.</summary>
    public static string AuthScheme(ImageService service) => service == ImageService.Fal ? "Key" : "Bearer";

    /// <summary>The SDK's handlers for a service (or, with <paramref name="service"/> null, for downloads), outermost first.</summary>
    public static IEnumerable<DelegatingHandler> Handlers(ImageService? service, LumenfallOptions options, ILogger logger)
    {
        yield return new RedirectHandler();
        if (service is ImageService known)
        {
            yield return Authorization(known, options);
        }

        yield return Resilience(service, options, logger);
    }

    /// <summary>Attaches the service's key to requests for its own hosts only.</summary>
    public static AuthorizationHandler Authorization(ImageService service, LumenfallOptions options)
    {
        ServiceOptions settings = options.For(service);
        return new AuthorizationHandler(AuthScheme(service), () => settings.ApiKey, () => settings.Endpoints);
    }

    /// <summary>Retries by purpose with the service's retry settings (downloads: <see cref="LumenfallOptions.DownloadRetry"/>).</summary>
    public static ResilienceHandler Resilience(ImageService? service, LumenfallOptions options, ILogger logger) =>
        new(service is ImageService known ? options.For(known).Retry : options.DownloadRetry, options.TimeProvider, logger);

    /// <summary>Chains <see cref="Handlers"/> over <paramref name="primary"/> (for clients built without a host).</summary>
    public static HttpClient CreateClient(ImageService? service, LumenfallOptions options, ILogger logger, HttpMessageHandler primary)
    {
        HttpMessageHandler pipeline = primary;
        foreach (DelegatingHandler handler in Handlers(service, options, logger).Reverse())
        {
            handler.InnerHandler = pipeline;
            pipeline = handler;
        }

        return Configure(new HttpClient(pipeline, disposeHandler: false));
    }

    /// <summary>Sets what every SDK client needs: no <see cref="HttpClient.Timeout"/> (the SDK enforces its own) and the user agent.</summary>
    public static HttpClient Configure(HttpClient client)
    {
        client.Timeout = Timeout.InfiniteTimeSpan;
        if (client.DefaultRequestHeaders.UserAgent.Count == 0)
        {
            client.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
        }

        return client;
    }
}
