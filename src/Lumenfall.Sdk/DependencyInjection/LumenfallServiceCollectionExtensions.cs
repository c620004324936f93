using Lumenfall.Sdk;
using Lumenfall.Sdk.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Lumenfall SDK in a host: options, one HTTP client per service, and a singleton <see cref="ImageClient"/>.</summary>
public static class LumenfallServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ImageClient"/> with options from the environment (<c>LUMENFALL_API_KEY</c>, <c>FAL_KEY</c>,
    /// <c>OMNIROUTERS_API_KEY</c>, base-URL overrides) and then <paramref name="configure"/>. Options are validated at start-up.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets options in code; runs last.</param>
    /// <returns>A builder exposing each service's <see cref="IHttpClientBuilder"/> for your own handlers.</returns>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The usual shape of Microsoft.Extensions registrations (AddX(configure) and AddX(configuration, configure)); the second parameter's type tells them apart.")]
    public static LumenfallBuilder AddLumenfall(this IServiceCollection services, Action<LumenfallOptions>? configure = null) =>
        Add(services, serviceKey: null, configuration: null, configure);

    /// <summary>
    /// Registers <see cref="ImageClient"/> with options bound from the <c>Lumenfall</c> section of
    /// <paramref name="configuration"/> (or from <paramref name="configuration"/> itself when it has no such section),
    /// then the environment for settings the section leaves out, then <paramref name="configure"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration root, or the <c>Lumenfall</c> section.</param>
    /// <param name="configure">Sets options in code; runs last.</param>
    /// <returns>A builder exposing each service's <see cref="IHttpClientBuilder"/>.</returns>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The usual shape of Microsoft.Extensions registrations (AddX(configure) and AddX(configuration, configure)); the second parameter's type tells them apart.")]
    public static LumenfallBuilder AddLumenfall(this IServiceCollection services, IConfiguration configuration, Action<LumenfallOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return Add(services, serviceKey: null, configuration, configure);
    }

    /// <summary>
    /// Registers a keyed <see cref="ImageClient"/> (resolve it with <c>[FromKeyedServices(key)]</c>) with its own options,
    /// HTTP clients and accounts, beside any other registration.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceKey">The key, for example <c>"team-b"</c>.</param>
    /// <param name="configure">Sets this registration's options.</param>
    /// <returns>A builder exposing this registration's <see cref="IHttpClientBuilder"/>s.</returns>
    public static LumenfallBuilder AddKeyedLumenfall(this IServiceCollection services, string serviceKey, Action<LumenfallOptions> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceKey);
        ArgumentNullException.ThrowIfNull(configure);
        return Add(services, serviceKey, configuration: null, configure, useEnvironment: false);
    }

    /// <summary>Registers a keyed <see cref="ImageClient"/> bound from <paramref name="configuration"/> (a section of its own).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceKey">The key.</param>
    /// <param name="configuration">This registration's section.</param>
    /// <param name="configure">Sets options in code; runs last.</param>
    /// <returns>A builder exposing this registration's <see cref="IHttpClientBuilder"/>s.</returns>
    public static LumenfallBuilder AddKeyedLumenfall(this IServiceCollection services, string serviceKey, IConfiguration configuration, Action<LumenfallOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceKey);
        ArgumentNullException.ThrowIfNull(configuration);
        return Add(services, serviceKey, configuration, configure, useEnvironment: false);
    }

    private static LumenfallBuilder Add(IServiceCollection services, string? serviceKey, IConfiguration? configuration, Action<LumenfallOptions>? configure, bool useEnvironment = true)
    {
        ArgumentNullException.ThrowIfNull(services);
        WarmUp.Start();   // while the host builds: the first call's path compiled on the thread pool
        string name = serviceKey is null ? Options.Options.DefaultName : "Lumenfall.Sdk:" + serviceKey;

        OptionsBuilder<LumenfallOptions> options = services.AddOptions<LumenfallOptions>(name);
        IConfiguration? section = configuration is null ? null : Section(configuration);
        if (section is not null)
        {
            options.Configure(o => LumenfallConfiguration.Bind(section, o));

            // A reload of the section invalidates the options, so clients resolved afterwards are built from the new values.
            services.AddSingleton<IOptionsChangeTokenSource<LumenfallOptions>>(new ConfigurationChangeTokenSource<LumenfallOptions>(name, section));
        }

        if (useEnvironment)
        {
            options.Configure(o => LumenfallEnvironment.Apply(o, Environment.GetEnvironmentVariable, key => section?[key] is not null));
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LumenfallOptions>, LumenfallOptionsValidator>());

        // A second AddLumenfall for the same registration adds configuration, not a second handler chain.
        bool first = !services.Any(d => d.ServiceType == typeof(Registration) && Equals(d.ImplementationInstance, new Registration(name)));
        if (first)
        {
            services.AddSingleton(new Registration(name));
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHttpMessageHandlerBuilderFilter, SdkHandlerFilter>());
        var builder = new LumenfallBuilder(services, name, serviceKey);
        foreach (ImageService service in Enum.GetValues<ImageService>())
        {
            builder.HttpClients[service] = first ? AddHttpClient(services, name, service) : services.AddHttpClient(ClientName(name, service));
        }

        builder.DownloadHttpClient = first ? AddHttpClient(services, name, null) : services.AddHttpClient(ClientName(name, null));

        services.TryAddSingleton(provider => new LumenfallOptionsSnapshots(
            provider.GetRequiredService<IOptionsMonitor<LumenfallOptions>>(), provider.GetService<ILoggerFactory>()));

        ImageClient Create(IServiceProvider provider)
        {
            LumenfallOptionsSnapshots snapshots = provider.GetRequiredService<LumenfallOptionsSnapshots>();
            _ = snapshots.Get(name);   // unusable options fail here, at the first resolve, not at the first call
            var factory = provider.GetRequiredService<IHttpClientFactory>();
            return new ImageClient(() => snapshots.Get(name), service => factory.CreateClient(ClientName(name, service)), provider.GetService<ILoggerFactory>());
        }

        // A singleton, as Azure and Microsoft.Extensions.AI clients are: each call takes the registration's current
        // frozen options (a configuration reload replaces them), so one call's key and endpoints never disagree, and
        // each request gets its HttpClient from the factory, so handler rotation works as for any typed client.
        if (serviceKey is null)
        {
            services.TryAddSingleton(Create);
        }
        else
        {
            services.AddKeyedSingleton(serviceKey, (provider, _) => Create(provider));
        }

        return builder;
    }

    private static IHttpClientBuilder AddHttpClient(IServiceCollection services, string name, ImageService? service)
    {
        // Microsoft.Extensions.Http's default loggers keep header values (the Authorization header among them) in
        // their structured log state; they are removed, and the attempt handler logs each attempt itself
        // (method, URL without query, status, time: never a header or a body).
        IHttpClientBuilder http = services.AddHttpClient(ClientName(name, service))
            .ConfigurePrimaryHttpMessageHandler(HttpStack.CreatePrimaryHandler)
            .ConfigureHttpClient(client => HttpStack.Configure(client))
            .RemoveAllLoggers();

        // A host's ConfigureHttpClientDefaults runs before this, so its handlers are already in the list, outermost.
        // Its resilience handlers (AddStandardResilienceHandler, AddStandardHedgingHandler, AddResilienceHandler) are
        // taken out: they retry every POST on a 5xx and cut attempts at 10 s, which would bill generations twice.
        // This is what Microsoft.Extensions.Http.Resilience's RemoveAllResilienceHandlers() does; that method is
        // experimental (EXTEXP0001), so a library that must keep working with the next version does it with the stable
        // ConfigureAdditionalHttpMessageHandlers and the public ResilienceHandler type. The host's other handlers stay;
        // the replay guard refuses any that would send a billable request twice.
        http.ConfigureAdditionalHttpMessageHandlers(static (handlers, _) =>
        {
            for (int i = handlers.Count - 1; i >= 0; i--)
            {
                if (handlers[i] is ResilienceHandler)
                {
                    handlers.RemoveAt(i);
                }
            }
        });

        // Then the SDK's own chain. Handlers added through the builder run inside it and see every attempt; inside them
        // all, SdkHandlerFilter adds the replay guard. The handlers hold no settings: each request carries its
        // client's key, purpose, retries and clock (CallState).
        http.AddHttpMessageHandler(() => new RedirectHandler());
        http.AddHttpMessageHandler(() => new AuthorizationHandler());

        // The retry pipeline runs in Microsoft.Extensions.Http.Resilience's ResilienceHandler, built here as it is without a
        // host, on the registration's clock (LumenfallOptions.TimeProvider). Not AddResilienceHandler: its pipeline registry
        // and Polly telemetry cost a fresh process about 450 JIT-compiled methods before the first call (benchmarks/README.md,
        // "The first call") and would only repeat what the SDK reports itself (each retry logged as a warning, and the
        // lumenfall.sdk.http.retries metric).
        http.AddHttpMessageHandler(provider => RetryPolicy.CreateHandler(
            provider.GetRequiredService<LumenfallOptionsSnapshots>().Get(name).TimeProvider, LoggerOf(provider)));
        http.AddHttpMessageHandler(provider => new AttemptHandler(LoggerOf(provider)));
        return http;
    }

    private static ILogger LoggerOf(IServiceProvider provider) =>
        provider.GetService<ILoggerFactory>()?.CreateLogger("Lumenfall.Sdk") ?? NullLogger.Instance;

    /// <summary>The name of the HTTP client a registration uses for a service (null: downloads).</summary>
    internal static string ClientName(string registration, ImageService? service) =>
        $"{SdkHandlerFilter.ClientPrefix}{(string.IsNullOrEmpty(registration) ? string.Empty : "[" + registration + "]")}.{service?.ToString() ?? "Downloads"}";

    /// <summary>Marks a registration whose HTTP clients are configured.</summary>
    private sealed record Registration(string Name);

    private static IConfiguration Section(IConfiguration configuration)
    {
        IConfigurationSection section = configuration.GetSection(LumenfallOptions.SectionName);
        return section.GetChildren().Any() ? section : configuration;
    }
}

/// <summary>Validates <see cref="LumenfallOptions"/> at start-up: at least one key, and usable endpoints, timeouts, retries and polling.</summary>
internal sealed class LumenfallOptionsValidator : IValidateOptions<LumenfallOptions>
{
    public ValidateOptionsResult Validate(string? name, LumenfallOptions options)
    {
        var problems = options.Validate().ToList();
        if (options.Services.All(s => string.IsNullOrEmpty(s.Options.ApiKey)))
        {
            problems.Insert(0,
                "No API key is configured. Set at least one of Lumenfall:Gateway:ApiKey (or LUMENFALL_API_KEY), "
                + "Lumenfall:Fal:ApiKey (or FAL_KEY), Lumenfall:OmniRouters:ApiKey (or OMNIROUTERS_API_KEY).");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
