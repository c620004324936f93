using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Lumenfall.Sdk;
using Lumenfall.Sdk.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Your code for fal webhook deliveries: every handler registered runs once per verified delivery.</summary>
public interface IFalWebhookHandler
{
    /// <summary>Handles one verified delivery. Keep it short (fal waits 15 s): store or queue the work. A throw answers 500, and fal delivers again.</summary>
    /// <param name="delivery">The delivery.</param>
    /// <param name="cancellationToken">The request's token.</param>
    /// <returns>A task that completes when the delivery is handled.</returns>
    Task HandleAsync(FalWebhookDelivery delivery, CancellationToken cancellationToken);
}

/// <summary>Registration and the endpoint for fal webhooks.</summary>
public static class FalWebhookExtensions
{
    /// <summary>The name of the HTTP client that reads fal's JWKS.</summary>
    public const string JwksHttpClient = "Lumenfall.FalWebhooks.Jwks";

    /// <summary>Registers the verifier (its JWKS client has a 10 s timeout) and the duplicate filter for <see cref="MapFalWebhooks"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Adjusts the settings (JWKS URL, tolerance, key cache).</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddFalWebhooks(this IServiceCollection services, Action<FalWebhookOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        OptionsBuilder<FalWebhookOptions> options = services.AddOptions<FalWebhookOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.AddHttpClient(JwksHttpClient, http => http.Timeout = TimeSpan.FromSeconds(10));
        services.TryAddSingleton(provider =>
        {
            FalWebhookOptions settings = provider.GetRequiredService<IOptions<FalWebhookOptions>>().Value;
            return new FalWebhookVerifier(provider.GetRequiredService<IHttpClientFactory>().CreateClient(JwksHttpClient), settings, settings.TimeProvider ?? provider.GetService<TimeProvider>());
        });
        services.TryAddSingleton<FalWebhookDeliveries>();
        return services;
    }

    /// <summary>Registers a handler for verified deliveries (a scoped service: it may take scoped dependencies).</summary>
    /// <typeparam name="THandler">The handler.</typeparam>
    /// <param name="services">The services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddFalWebhookHandler<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(this IServiceCollection services)
        where THandler : class, IFalWebhookHandler
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddScoped<IFalWebhookHandler, THandler>();
        return services;
    }

    /// <summary>
    /// Maps <c>POST <paramref name="pattern"/></c> for fal's webhooks: reads the raw body (before any JSON binding),
    /// verifies the signature and timestamp (401 when they fail), reads the delivery (400 when it is not one), runs your
    /// handlers once per <c>request_id</c> (repeats answer 200 at once), completes the <see cref="ImageOperation"/> of this
    /// process waiting for it, and answers 200.
    /// </summary>
    /// <param name="endpoints">The app.</param>
    /// <param name="pattern">The route, for example <c>/webhooks/fal</c>: the URL you give as <see cref="FalSubmitOptions.WebhookUrl"/>.</param>
    /// <returns>The endpoint, for more conventions (authorization is not one: fal signs, it does not log in).</returns>
    public static IEndpointConventionBuilder MapFalWebhooks(this IEndpointRouteBuilder endpoints, string pattern)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        FalWebhooks.HasReceiver = true;   // operations submitted with a webhook in this process now wait for it
        return endpoints.MapPost(pattern, async context => context.Response.StatusCode = await ReceiveAsync(context).ConfigureAwait(false));
    }

    // LoggerMessage.Define rather than the source generator: on net8.0 two generators (the framework's and the package's) would both run.
    private static readonly Action<ILogger, FalWebhookVerification, Exception?> Refused =
        LoggerMessage.Define<FalWebhookVerification>(LogLevel.Warning, new EventId(1, "FalWebhookRefused"), "Refused a fal webhook delivery: {Verdict}.");

    private static readonly Action<ILogger, string, Exception?> NotADelivery =
        LoggerMessage.Define<string>(LogLevel.Warning, new EventId(2, "FalWebhookNotADelivery"), "Refused a signed fal webhook delivery that is not one: {Reason}");

    /// <summary>Handles one delivery; returns the status to answer.</summary>
    private static async Task<int> ReceiveAsync(HttpContext context)
    {
        IServiceProvider services = context.RequestServices;
        FalWebhookOptions options = services.GetRequiredService<IOptions<FalWebhookOptions>>().Value;
        ILogger logger = services.GetService<ILoggerFactory>()?.CreateLogger("Lumenfall.Sdk.AspNetCore.FalWebhooks") ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        HttpRequest request = context.Request;
        FalWebhookVerifier verifier = services.GetRequiredService<FalWebhookVerifier>();
        string? requestId = request.Headers["X-Fal-Webhook-Request-Id"], userId = request.Headers["X-Fal-Webhook-User-Id"];
        string? timestamp = request.Headers["X-Fal-Webhook-Timestamp"], signature = request.Headers["X-Fal-Webhook-Signature"];

        // Headers, user and timestamp first: a request that fails them costs no body buffer and no key read.
        FalWebhookVerification verdict = verifier.CheckHeaders(requestId, userId, timestamp, signature);
        if (verdict != FalWebhookVerification.Valid)
        {
            Refused(logger, verdict, null);
            return verdict == FalWebhookVerification.Malformed ? StatusCodes.Status400BadRequest : StatusCodes.Status401Unauthorized;
        }

        if (request.ContentLength > options.MaxBodyBytes)
        {
            return StatusCodes.Status413PayloadTooLarge;
        }

        // The raw bytes, exactly as they came: the signature covers them, not any re-serialised JSON.
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, context.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > options.MaxBodyBytes)
            {
                return StatusCodes.Status413PayloadTooLarge;
            }

            buffer.Write(chunk, 0, read);
        }

        ReadOnlyMemory<byte> body = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        verdict = await verifier.VerifyAsync(requestId, userId, timestamp, signature, body, context.RequestAborted).ConfigureAwait(false);
        if (verdict != FalWebhookVerification.Valid)
        {
            Refused(logger, verdict, null);
            return verdict == FalWebhookVerification.Malformed ? StatusCodes.Status400BadRequest : StatusCodes.Status401Unauthorized;
        }

        FalWebhookDelivery delivery;
        try
        {
            delivery = FalWebhookDelivery.Parse(body.Span);
        }
        catch (FormatException ex)
        {
            NotADelivery(logger, ex.Message, null);
            return StatusCodes.Status400BadRequest;
        }

        FalWebhookDeliveries deliveries = services.GetRequiredService<FalWebhookDeliveries>();
        switch (deliveries.TryBegin(delivery.RequestId))
        {
            case DeliveryProgress.Done:
                return StatusCodes.Status200OK;   // a repeat of a delivery handled: fal retries until it hears 2xx
            case DeliveryProgress.InProgress:
                return StatusCodes.Status409Conflict;   // its first copy is still being handled: not 2xx, so fal tries again later
        }

        try
        {
            foreach (IFalWebhookHandler handler in services.GetServices<IFalWebhookHandler>())
            {
                await handler.HandleAsync(delivery, context.RequestAborted).ConfigureAwait(false);
            }
        }
        catch
        {
            deliveries.Abandon(delivery.RequestId);   // not handled: fal's retry gets another chance
            throw;
        }

        deliveries.Complete(delivery.RequestId);
        FalWebhooks.Deliver(delivery);
        return StatusCodes.Status200OK;
    }
}

/// <summary>The <c>request_id</c>s handled lately, so that fal's repeats of a delivery run the handlers once.</summary>
internal sealed class FalWebhookDeliveries(IOptions<FalWebhookOptions> options, TimeProvider? time = null)
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, bool Done)> _seen = new(StringComparer.Ordinal);
    private readonly TimeProvider _time = options.Value.TimeProvider ?? time ?? TimeProvider.System;

    /// <summary>Starts handling a request id: <see cref="DeliveryProgress.New"/> the first time (within the window), else where its first copy is.</summary>
    public DeliveryProgress TryBegin(string requestId)
    {
        DateTimeOffset now = _time.GetUtcNow();
        foreach ((string id, (DateTimeOffset At, bool Done) entry) in _seen)
        {
            if (entry.Done && now - entry.At > options.Value.DuplicateWindow)
            {
                _seen.TryRemove(KeyValuePair.Create(id, entry));
            }
        }

        return _seen.TryAdd(requestId, (now, false)) ? DeliveryProgress.New
            : _seen.TryGetValue(requestId, out (DateTimeOffset At, bool Done) seen) && seen.Done ? DeliveryProgress.Done
            : DeliveryProgress.InProgress;
    }

    public void Complete(string requestId) => _seen[requestId] = (_time.GetUtcNow(), true);

    public void Abandon(string requestId) => _seen.TryRemove(requestId, out _);
}

/// <summary>Where the handling of a request id stands.</summary>
internal enum DeliveryProgress
{
    New,
    InProgress,
    Done,
}
