using System.Reflection;
using Microsoft.Extensions.Logging;

namespace Lumenfall.Sdk.Http;

/// <summary>
/// The SDK's handler chain, the same with or without a host, outermost first: redirects (followed here, so each hop
/// is checked) → authorization (the key only on the origin the SDK built the URL for) →
/// Microsoft.Extensions.Http.Resilience's <c>ResilienceHandler</c> running <see cref="RetryPolicy"/> → one span and
/// log line per attempt → [handlers added through <c>LumenfallBuilder</c>] → the replay guard (a billable request
/// reaches the wire only as often as the SDK approved) → the primary handler. Downloads carry no key.
/// Timeouts are enforced by the SDK per purpose, so <see cref="HttpClient.Timeout"/> is infinite. Under a host,
/// resilience handlers the host put on every client (<c>ConfigureHttpClientDefaults</c>) are removed from the SDK's
/// clients: they cannot know which requests are billable, and their timeouts are made for quick calls.
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

    /// <summary>Chains the SDK's handlers over <paramref name="primary"/> (for clients built without a host), retries on <paramref name="time"/>.</summary>
    public static HttpClient CreateClient(ILogger logger, HttpMessageHandler primary, TimeProvider time)
    {
        DelegatingHandler[] handlers =
        [
            new RedirectHandler(), new AuthorizationHandler(), RetryPolicy.CreateHandler(time, logger), new AttemptHandler(logger), new ReplayGuardHandler(),
        ];
        HttpMessageHandler pipeline = primary;
        for (int i = handlers.Length - 1; i >= 0; i--)
        {
            handlers[i].InnerHandler = pipeline;
            pipeline = handlers[i];
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
