using System.Net;
using System.Reflection;
using Microsoft.Extensions.Logging;

namespace Lumenfall.Sdk.Http;

/// <summary>
/// The SDK's handler chain, the same with or without a host: redirects (followed here, so each hop is checked)
/// → authorization (the key a request carries, only for its service's own hosts) → resilience (retries per purpose)
/// → the primary handler. Downloads carry no key. Timeouts are enforced by the SDK, so <see cref="HttpClient.Timeout"/>
/// is infinite.
/// </summary>
internal static class HttpStack
{
    private static readonly Lazy<SocketsHttpHandler> Sockets = new(CreatePrimaryHandler);

    /// <summary>The process-wide connection pool for clients built without a host.</summary>
    public static HttpMessageHandler SharedHandler => Sockets.Value;

    public static string UserAgent { get; } =
        $"Lumenfall.Sdk/{typeof(HttpStack).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0"} (.NET {Environment.Version})";

    /// <summary>
    /// The primary handler: pooled connections renewed every 5 minutes, no automatic redirects, no compressed
    /// responses asked for: image bodies (base64 of PNG/JPEG/WebP) barely compress, and an uncompressed
    /// <c>Content-Length</c> is what sizes the streaming decoder's buffer exactly.
    /// </summary>
    public static SocketsHttpHandler CreatePrimaryHandler() => new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(30),
        AllowAutoRedirect = false,
    };

    /// <summary>The authorization scheme each service expects.</summary>
    public static string AuthScheme(ImageService service) => service == ImageService.Fal ? "Key" : "Bearer";

    /// <summary>
    /// The SDK's handlers, outermost first. They hold no settings: each request carries its client's
    /// <see cref="CallSettings"/> (key, hosts, retries, clock).
    /// </summary>
    public static IEnumerable<DelegatingHandler> Handlers(ILogger logger)
    {
        yield return new RedirectHandler();
        yield return new AuthorizationHandler();
        yield return new ResilienceHandler(logger);
    }

    /// <summary>Chains <see cref="Handlers"/> over <paramref name="primary"/> (for clients built without a host).</summary>
    public static HttpClient CreateClient(ILogger logger, HttpMessageHandler primary)
    {
        HttpMessageHandler pipeline = primary;
        foreach (DelegatingHandler handler in Handlers(logger).Reverse())
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
        if (!client.DefaultRequestHeaders.Contains("User-Agent"))
        {
            // Unparsed: each request shares the string instead of cloning parsed product tokens.
            client.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", UserAgent);
        }

        return client;
    }
}
