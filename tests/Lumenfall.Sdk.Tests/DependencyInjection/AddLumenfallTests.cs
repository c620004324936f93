using System.Net;
using Lumenfall.Sdk.Tests.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RichardSzalay.MockHttp;

namespace Lumenfall.Sdk.Tests.DependencyInjection;

/// <summary>
/// <c>AddLumenfall</c> in each registration style, configuration and environment binding, and start-up validation.
/// One class, so the test that sets environment variables never runs beside another that reads them.
/// </summary>
public class AddLumenfallTests
{
    private const string Generations = ServiceHarness.LumenfallBase + "/images/generations";
    private const string Ok = """{ "data": [ { "url": "https://media.lumenfall.ai/a.png" } ] }""";

    private static (ServiceProvider Provider, List<HttpRequestMessage> Sent) Build(Action<IServiceCollection, MockHttpMessageHandler> register)
    {
        var services = new ServiceCollection();
        var mock = new MockHttpMessageHandler();
        var sent = new List<HttpRequestMessage>();
        mock.When("*").Respond(request =>
        {
            sent.Add(request);
            return ServiceHarness.Json(HttpStatusCode.OK, Ok);
        });
        register(services, mock);
        return (services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }), sent);
    }

    [Fact]
    public async Task Action_registration_resolves_clients_over_the_factory_clients()
    {
        (ServiceProvider provider, List<HttpRequestMessage> sent) = Build((services, mock) =>
            services.AddLumenfall(o => o.Gateway.ApiKey = "lmnfl_di.key").GatewayHttpClient.ConfigurePrimaryHttpMessageHandler(() => mock));

        ImageClient client = provider.GetRequiredService<ImageClient>();
        await client.GenerateAsync(new Flux2DevGenerationRequest("x"));

        sent.Single().Headers.Authorization!.ToString().Should().Be("Bearer lmnfl_di.key");
        sent.Single().RequestUri!.AbsoluteUri.Should().Be(Generations);
        client.Options.IsReadOnly.Should().BeTrue();
    }

    [Fact]
    public async Task The_singleton_client_follows_a_reload_on_its_next_call_with_key_and_endpoint_together()
    {
        var source = new ReloadableSource(new Dictionary<string, string?>
        {
            ["Lumenfall:Gateway:ApiKey"] = "lmnfl_old.key",
            ["Lumenfall:Gateway:Endpoint"] = "https://old.example.com/v1",
        });
        IConfiguration configuration = new ConfigurationBuilder().Add(source).Build();
        (ServiceProvider provider, List<HttpRequestMessage> sent) = Build((services, mock) =>
            services.AddLumenfall(configuration).GatewayHttpClient.ConfigurePrimaryHttpMessageHandler(() => mock));
        ImageClient client = provider.GetRequiredService<ImageClient>();
        await client.ListModelsAsync();
        LumenfallOptions first = client.Options;

        source.Change(("Lumenfall:Gateway:ApiKey", "lmnfl_new.key"), ("Lumenfall:Gateway:Endpoint", "https://new.example.com/v1"));
        await client.ListModelsAsync();

        provider.GetRequiredService<ImageClient>().Should().BeSameAs(client, "the client is a singleton");
        sent.Select(r => (r.RequestUri!.Host, r.Headers.Authorization!.Parameter)).Should().Equal(
            ("old.example.com", "lmnfl_old.key"),
            ("new.example.com", "lmnfl_new.key"));
        client.Options.Gateway.ApiKey.Should().Be("lmnfl_new.key");
        first.Gateway.ApiKey.Should().Be("lmnfl_old.key", "a snapshot is frozen: a call that started before the reload keeps its key and endpoint together");
    }

    [Fact]
    public async Task A_reload_that_leaves_the_options_unusable_is_ignored_and_clients_keep_the_last_good_settings()
    {
        var source = new ReloadableSource(new Dictionary<string, string?>
        {
            ["Lumenfall:Gateway:ApiKey"] = "lmnfl_good.key",
            ["Lumenfall:Gateway:Endpoint"] = "https://good.example.com/v1",
        });
        IConfiguration configuration = new ConfigurationBuilder().Add(source).Build();
        (ServiceProvider provider, List<HttpRequestMessage> sent) = Build((services, mock) =>
            services.AddLumenfall(configuration).GatewayHttpClient.ConfigurePrimaryHttpMessageHandler(() => mock));
        _ = provider.GetRequiredService<ImageClient>();

        // Microsoft.Extensions.Options reports the bad values on the reloading thread; the clients are not affected.
        FluentActions.Invoking(() => source.Change(("Lumenfall:Gateway:Endpoint", "http://insecure.example.com/v1")))
            .Should().Throw<Exception>().Where(e => e.ToString().Contains("OptionsValidationException", StringComparison.Ordinal));
        await provider.GetRequiredService<ImageClient>().ListModelsAsync();

        sent.Single().RequestUri!.Host.Should().Be("good.example.com");
    }

    /// <summary>An in-memory configuration source whose values can change, signalling a reload.</summary>
    private sealed class ReloadableSource(Dictionary<string, string?> initial) : ConfigurationProvider, IConfigurationSource
    {
        public IConfigurationProvider Build(IConfigurationBuilder builder) => this;

        public override void Load() => Data = new Dictionary<string, string?>(initial, StringComparer.OrdinalIgnoreCase);

        public void Change(params (string Key, string Value)[] values)
        {
            foreach ((string key, string value) in values)
            {
                Data[key] = value;
            }

            OnReload();
        }
    }

    [Fact]
    public void Configuration_binds_the_lumenfall_section()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Lumenfall:Gateway:ApiKey"] = "lmnfl_config.key",
            ["Lumenfall:Gateway:GenerationTimeout"] = "00:05:00",
            ["Lumenfall:Gateway:Retry:MaxRetries"] = "5",
            ["Lumenfall:Fal:ApiKey"] = "fal:config",
            ["Lumenfall:Fal:QueueEndpoint"] = "https://queue.example.com",
            ["Lumenfall:Fal:Mode"] = "sync",
            ["Lumenfall:Fal:Polling:MaxInterval"] = "3",
            ["Lumenfall:OmniRouters:UseAsyncTasks"] = "true",
            ["Lumenfall:MaxResponseBytes"] = "1000000",
            ["Lumenfall:EnableSensitiveData"] = "true",
        }).Build();
        (ServiceProvider provider, _) = Build((services, _) => services.AddLumenfall(configuration));

        LumenfallOptions options = provider.GetRequiredService<IOptions<LumenfallOptions>>().Value;

        options.Gateway.ApiKey.Should().Be("lmnfl_config.key");
        options.Gateway.GenerationTimeout.Should().Be(TimeSpan.FromMinutes(5));
        options.Gateway.Retry.MaxRetries.Should().Be(5);
        options.Fal.ApiKey.Should().Be("fal:config");
        options.Fal.QueueEndpoint.Should().Be(new Uri("https://queue.example.com"));
        options.Fal.Mode.Should().Be(FalExecutionMode.Sync);
        options.Fal.Polling.MaxInterval.Should().Be(TimeSpan.FromSeconds(3));
        options.OmniRouters.UseAsyncTasks.Should().BeTrue();
        options.MaxResponseBytes.Should().Be(1_000_000);
        options.EnableSensitiveData.Should().BeTrue();
    }

    [Fact]
    public void An_unreadable_setting_names_its_key()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Lumenfall:Fal:ApiKey"] = "k",
            ["Lumenfall:Fal:Mode"] = "turbo",
        }).Build();
        (ServiceProvider provider, _) = Build((services, _) => services.AddLumenfall(configuration));

        FluentActions.Invoking(() => provider.GetRequiredService<IOptions<LumenfallOptions>>().Value)
            .Should().Throw<FormatException>().WithMessage("*Lumenfall:Fal:Mode*turbo*Queue, Sync*");
    }

    [Fact]
    public void The_environment_fills_what_configuration_leaves_out_and_configuration_wins()
    {
        var environment = new Dictionary<string, string?>
        {
            [LumenfallEnvironment.LumenfallApiKey] = "lmnfl_env.key",
            [LumenfallEnvironment.FalKey] = "fal:env",
            [LumenfallEnvironment.OmniRoutersApiKey] = "sk-env",
            [LumenfallEnvironment.LumenfallBaseUrl] = "http://127.0.0.1:5000/openai/v1",
            [LumenfallEnvironment.FalRunBaseUrl] = "http://127.0.0.1:5000/fal",
            [LumenfallEnvironment.FalQueueBaseUrl] = "http://127.0.0.1:5000/fal-queue",
            [LumenfallEnvironment.OmniRoutersBaseUrl] = "http://127.0.0.1:5000/omnirouters/v1",
        };
        var options = new LumenfallOptions();
        options.Fal.ApiKey = null;

        LumenfallEnvironment.Apply(options, name => environment.GetValueOrDefault(name), setting => setting == "Fal:ApiKey");

        options.Gateway.ApiKey.Should().Be("lmnfl_env.key");
        options.Fal.ApiKey.Should().BeNull("configuration set Fal:ApiKey (to nothing here), so the environment does not override it");
        options.OmniRouters.ApiKey.Should().Be("sk-env");
        options.Gateway.Endpoint.Should().Be(new Uri("http://127.0.0.1:5000/openai/v1"));
        options.Fal.Endpoint.Should().Be(new Uri("http://127.0.0.1:5000/fal"));
        options.Fal.QueueEndpoint.Should().Be(new Uri("http://127.0.0.1:5000/fal-queue"));
        options.OmniRouters.Endpoint.Should().Be(new Uri("http://127.0.0.1:5000/omnirouters/v1"));
        options.Validate().Should().BeEmpty("loopback addresses may use http");
    }

    [Fact]
    public void A_malformed_base_url_variable_is_named()
    {
        FluentActions.Invoking(() => LumenfallEnvironment.Apply(new LumenfallOptions(), name => name == LumenfallEnvironment.FalQueueBaseUrl ? "queue.fal.run" : null))
            .Should().Throw<ArgumentException>().WithMessage("FAL_QUEUE_BASE_URL must be an absolute URL*");
    }

    [Fact]
    public void Real_environment_variables_reach_AddLumenfall_and_FromEnvironment()
    {
        string? before = Environment.GetEnvironmentVariable(LumenfallEnvironment.OmniRoutersApiKey);
        Environment.SetEnvironmentVariable(LumenfallEnvironment.OmniRoutersApiKey, "sk-from-process-env");
        try
        {
            (ServiceProvider provider, _) = Build((services, _) => services.AddLumenfall());

            provider.GetRequiredService<IOptions<LumenfallOptions>>().Value.OmniRouters.ApiKey.Should().Be("sk-from-process-env");
            ImageClient.FromEnvironment().Options.OmniRouters.ApiKey.Should().Be("sk-from-process-env");
        }
        finally
        {
            Environment.SetEnvironmentVariable(LumenfallEnvironment.OmniRoutersApiKey, before);
        }
    }

    [Fact]
    public void Start_up_validation_names_the_missing_keys()
    {
        (ServiceProvider provider, _) = Build((services, _) => services.AddLumenfall(o =>
        {
            o.Gateway.ApiKey = null;
            o.Fal.ApiKey = null;
            o.OmniRouters.ApiKey = null;
        }));

        OptionsValidationException error = FluentActions.Invoking(() => provider.GetRequiredService<IStartupValidator>().Validate())
            .Should().Throw<OptionsValidationException>().Which;

        error.Message.Should().Contain("LUMENFALL_API_KEY").And.Contain("FAL_KEY").And.Contain("OMNIROUTERS_API_KEY").And.Contain("Lumenfall:Fal:ApiKey");
    }

    [Theory]
    [InlineData("http://api.example.com/v1", "uses http:// for api.example.com")]
    [InlineData("ftp://api.example.com/v1", "must be an http(s) URL")]
    public void Start_up_validation_refuses_unsafe_endpoints(string endpoint, string message)
    {
        (ServiceProvider provider, _) = Build((services, _) => services.AddLumenfall(o =>
        {
            o.Gateway.ApiKey = "k";
            o.Gateway.Endpoint = new Uri(endpoint);
            o.Fal.Polling.InitialInterval = TimeSpan.Zero;
        }));

        OptionsValidationException error = FluentActions.Invoking(() => provider.GetRequiredService<IStartupValidator>().Validate())
            .Should().Throw<OptionsValidationException>().Which;

        error.Failures.Should().Contain(f => f.StartsWith("Lumenfall:Gateway:Endpoint", StringComparison.Ordinal) && f.Contains(message, StringComparison.Ordinal));
        error.Failures.Should().Contain(f => f.StartsWith("Lumenfall:Fal:Polling", StringComparison.Ordinal));
    }

    [Fact]
    public void A_client_built_without_a_host_refuses_an_http_endpoint_too()
    {
        var options = new LumenfallOptions();
        options.OmniRouters.Endpoint = new Uri("http://omnirouters.com/v1");

        FluentActions.Invoking(() => new ImageClient(options)).Should().Throw<ArgumentException>().WithMessage("*Lumenfall:OmniRouters:Endpoint*http://*");
    }

    [Fact]
    public async Task Keyed_registrations_keep_two_accounts_side_by_side()
    {
        (ServiceProvider provider, List<HttpRequestMessage> sent) = Build((services, mock) =>
        {
            services.AddKeyedLumenfall("team-a", o => o.Gateway.ApiKey = "lmnfl_team_a.key").GatewayHttpClient.ConfigurePrimaryHttpMessageHandler(() => mock);
            services.AddKeyedLumenfall("team-b", o => o.Gateway.ApiKey = "lmnfl_team_b.key").GatewayHttpClient.ConfigurePrimaryHttpMessageHandler(() => mock);
        });

        ImageClient a = provider.GetRequiredKeyedService<ImageClient>("team-a");
        ImageClient b = provider.GetRequiredKeyedService<ImageClient>("team-b");
        await a.GenerateAsync(new Flux2DevGenerationRequest("x"));
        await b.GenerateAsync(new Flux2DevGenerationRequest("x"));

        a.Should().NotBeSameAs(b);
        sent.Select(r => r.Headers.Authorization!.Parameter).Should().Equal("lmnfl_team_a.key", "lmnfl_team_b.key");
    }

    [Fact]
    public async Task Handlers_added_through_the_builder_see_every_attempt_with_the_same_client_request_id()
    {
        var seen = new List<string>();
        var mock = new MockHttpMessageHandler();
        int calls = 0;
        mock.When(HttpMethod.Get, ServiceHarness.LumenfallBase + "/models").Respond(_ =>
            calls++ == 0 ? ServiceHarness.Json(HttpStatusCode.ServiceUnavailable, "{}", ("Retry-After", "0")) : ServiceHarness.Json(HttpStatusCode.OK, """{ "data": [] }"""));
        var services = new ServiceCollection();
        services.AddLumenfall(o => o.Gateway.ApiKey = "k").GatewayHttpClient
            .AddHttpMessageHandler(() => new RecordingHandler(seen))
            .ConfigurePrimaryHttpMessageHandler(() => mock);
        using ServiceProvider provider = services.BuildServiceProvider();

        await provider.GetRequiredService<ImageClient>().ListModelsAsync();

        seen.Should().HaveCount(2).And.OnlyContain(id => id == seen[0]);
    }

    private sealed class RecordingHandler(List<string> seen) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            seen.Add(request.Headers.GetValues("X-Client-Request-Id").Single());
            return base.SendAsync(request, cancellationToken);
        }
    }
}
