using System.Net;
using Lumenfall.Sdk.Testing;
using Lumenfall.Sdk.Testing.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;

namespace Lumenfall.Sdk.IntegrationTests.Hosting;

/// <summary>
/// The SDK inside a host whose start-up wraps every <see cref="HttpClient"/> (<c>ConfigureHttpClientDefaults</c>), as
/// the .NET Aspire service defaults do, with the real Microsoft.Extensions.Http.Resilience handlers, against the
/// emulator. Whatever the host adds, each billable POST reaches the service once, with its key, and the SDK's own
/// timeouts (not the host's 10 s attempt and 30 s total) decide how long a generation may take. The emulator and the
/// SDK share one fake clock, so a 70 s generation takes no real time.
/// </summary>
public class HostDefaultsTests
{
    /// <summary>Far longer than any test takes in real time; a call still running then has hung.</summary>
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    private const string Generations = "/lumenfall/openai/v1/images/generations";
    private const string FalSubmit = "/fal-queue/fal-ai/omnigen-v1";
    private const string OmniRoutersCreate = "/omnirouters/v1/images/generations";

    public static TheoryData<string> Defaults => ["standard resilience", "standard hedging", "both"];

    private static Action<IHttpClientBuilder> HostDefaults(string name) => name switch
    {
        "standard resilience" => http => http.AddStandardResilienceHandler(),
        "standard hedging" => http => http.AddStandardHedgingHandler(),
        _ => http =>
        {
            http.AddStandardResilienceHandler();
            http.AddStandardHedgingHandler();
        },
    };

    [Theory]
    [MemberData(nameof(Defaults))]
    public async Task A_500_on_a_generation_is_one_billable_post_with_the_key(string defaults)
    {
        await using Host host = await Host.StartAsync(HostDefaults(defaults));
        host.Emulator.Faults.Add(Fault(Generations, HttpStatusCode.InternalServerError));

        await FluentActions.Awaiting(() => host.Client.GenerateAsync(new Flux2DevGenerationRequest("a fern")).WaitAsync(Guard))
            .Should().ThrowAsync<LumenfallUpstreamException>();

        host.Posts(Generations).Should().ContainSingle().Which.Authorization.Should().Be("Bearer");
    }

    [Theory]
    [InlineData(12)]
    [InlineData(70)]
    public async Task A_slow_generation_under_standard_resilience_is_answered_once_and_succeeds(int seconds)
    {
        await using Host host = await Host.StartAsync(HostDefaults("standard resilience"));
        host.Emulator.Faults.Add(new EmulatorFault { PathContains = Generations, Delay = TimeSpan.FromSeconds(seconds), Times = 10 });

        ImageGenerationResult result = await host.AnswerAfterAsync(host.Client.GenerateAsync(new Flux2DevGenerationRequest("a fern")), TimeSpan.FromSeconds(seconds));

        result.Images.Should().ContainSingle();
        host.Posts(Generations).Should().ContainSingle("the host's 10 s attempt timeout and 30 s total timeout do not apply to the SDK's clients")
            .Which.Authorization.Should().Be("Bearer");
    }

    [Fact]
    public async Task A_3_s_generation_under_standard_hedging_is_not_hedged_and_carries_the_key()
    {
        await using Host host = await Host.StartAsync(HostDefaults("standard hedging"));
        host.Emulator.Faults.Add(new EmulatorFault { PathContains = Generations, Delay = TimeSpan.FromSeconds(3), Times = 10 });

        ImageGenerationResult result = await host.AnswerAfterAsync(host.Client.GenerateAsync(new Flux2DevGenerationRequest("a fern")), TimeSpan.FromSeconds(3));

        result.Images.Should().ContainSingle();
        host.Posts(Generations).Should().ContainSingle("hedging would send a second billable POST after 2 s").Which.Authorization.Should().Be("Bearer");
    }

    [Theory]
    [MemberData(nameof(Defaults))]
    public async Task A_500_on_a_fal_submit_is_one_submit_with_the_key(string defaults)
    {
        await using Host host = await Host.StartAsync(HostDefaults(defaults), o => o.Fal.Mode = FalExecutionMode.Queue);
        host.Emulator.Faults.Add(Fault(FalSubmit, HttpStatusCode.InternalServerError));

        await FluentActions.Awaiting(() => host.Client.GenerateAsync(new OmniGenV1Request("a fern")).WaitAsync(Guard))
            .Should().ThrowAsync<LumenfallUpstreamException>();

        host.Posts(FalSubmit).Should().ContainSingle().Which.Authorization.Should().Be("Key");
    }

    [Theory]
    [MemberData(nameof(Defaults))]
    public async Task A_500_on_an_omnirouters_task_submit_is_one_submit_with_the_key(string defaults)
    {
        await using Host host = await Host.StartAsync(HostDefaults(defaults), o => o.OmniRouters.UseAsyncTasks = true);
        host.Emulator.Faults.Add(Fault(OmniRoutersCreate, HttpStatusCode.InternalServerError));

        await FluentActions.Awaiting(() => host.Client.StartAsync(new OmniImageRequest(OmniImageModel.NanoBanana2, "a fern")).WaitAsync(Guard))
            .Should().ThrowAsync<LumenfallUpstreamException>();

        host.Posts(OmniRoutersCreate).Should().ContainSingle().Which.Authorization.Should().Be("Bearer");
    }

    [Fact]
    public async Task The_sdks_own_retries_still_run_under_the_host_a_429_is_waited_out_and_sent_again()
    {
        await using Host host = await Host.StartAsync(HostDefaults("both"));
        host.Emulator.Faults.Add(EmulatorFault.RateLimited(retryAfterSeconds: 4, Generations));

        Task<ImageGenerationResult> call = host.Client.GenerateAsync(new Flux2DevGenerationRequest("a fern"));
        TimeSpan wait = await host.Time.NextTimerAsync(d => d == TimeSpan.FromSeconds(4)).WaitAsync(Guard);
        host.Time.Advance(wait);
        (await call.WaitAsync(Guard)).Images.Should().ContainSingle();

        host.Posts(Generations).Should().HaveCount(2, "a 429 proves the POST was not processed: the SDK's pipeline retries it after the Retry-After")
            .And.AllSatisfy(p => p.Authorization.Should().Be("Bearer"));
    }

    [Fact]
    public async Task The_sdks_own_generation_timeout_still_applies_under_the_host()
    {
        await using Host host = await Host.StartAsync(HostDefaults("standard resilience"), o => o.Gateway.GenerationTimeout = TimeSpan.FromSeconds(60));
        host.Emulator.Faults.Add(new EmulatorFault { PathContains = Generations, Delay = TimeSpan.FromSeconds(70) });

        Task<ImageGenerationResult> call = host.Client.GenerateAsync(new Flux2DevGenerationRequest("a fern"));
        await host.Time.NextTimerAsync(d => d == TimeSpan.FromSeconds(70)).WaitAsync(Guard);
        host.Time.Advance(TimeSpan.FromSeconds(60));

        (await FluentActions.Awaiting(() => call.WaitAsync(Guard)).Should().ThrowAsync<LumenfallTimeoutException>())
            .Which.Timeout.Should().Be(TimeSpan.FromSeconds(60));
        host.Posts(Generations).Should().ContainSingle();
        host.Time.Advance(TimeSpan.FromSeconds(10));   // lets the emulator's held answer go
    }

    [Fact]
    public async Task A_host_handler_that_replays_failures_cannot_send_a_billable_post_twice()
    {
        await using Host host = await Host.StartAsync(http => http.AddHttpMessageHandler(() => new ReplayingHandler()));
        host.Emulator.Faults.Add(Fault(Generations, HttpStatusCode.InternalServerError));

        LumenfallException error = (await FluentActions.Awaiting(() => host.Client.GenerateAsync(new Flux2DevGenerationRequest("a fern")).WaitAsync(Guard))
            .Should().ThrowAsync<LumenfallException>()).Which;

        error.Message.Should().Contain("other than Lumenfall.Sdk's own").And.Contain("500");
        host.Posts(Generations).Should().ContainSingle();
    }

    [Fact]
    public async Task A_host_handler_that_clones_requests_keeps_the_key_and_the_calls_state()
    {
        await using Host host = await Host.StartAsync(http => http.AddHttpMessageHandler(() => new CloningHandler()));

        ImageGenerationResult result = await host.Client.GenerateAsync(new Flux2DevGenerationRequest("a fern")).WaitAsync(Guard);
        await host.Client.ListModelsAsync().WaitAsync(Guard);

        result.Images.Should().ContainSingle();
        host.Emulator.Requests.Where(r => r.Path.StartsWith("/lumenfall/", StringComparison.Ordinal))
            .Should().HaveCount(2).And.AllSatisfy(r => r.Authorization.Should().Be("Bearer", "the key travels in the request's Options, which a clone carries"));
    }

    [Fact]
    public async Task A_resilience_handler_added_to_the_sdks_own_client_cannot_send_a_billable_post_twice()
    {
        await using Host host = await Host.StartAsync(_ => { }, lumenfall: l => l.GatewayHttpClient.AddStandardResilienceHandler());
        host.Emulator.Faults.Add(Fault(Generations, HttpStatusCode.InternalServerError));

        // That handler's retry waits its backoff on the host's clock (the fake one): let it pass, as it would.
        Task<ImageGenerationResult> call = host.Client.GenerateAsync(new Flux2DevGenerationRequest("a fern"));
        LumenfallException error = (await FluentActions.Awaiting(() => host.AdvanceShortWaitsUntilAsync(call)).Should().ThrowAsync<LumenfallException>()).Which;

        error.Message.Should().Contain("other than Lumenfall.Sdk's own").And.Contain("500");
        host.Posts(Generations).Should().ContainSingle("the replay guard is the innermost handler, under anything added to the builder");
    }

    [Fact]
    public async Task Calling_add_lumenfall_twice_configures_one_handler_chain()
    {
        await using Host host = await Host.StartAsync(HostDefaults("standard resilience"), lumenfall: l => l.Services.AddLumenfall(o => o.Gateway.GenerationTimeout = TimeSpan.FromMinutes(5)));

        ImageGenerationResult result = await host.Client.GenerateAsync(new Flux2DevGenerationRequest("a fern")).WaitAsync(Guard);

        result.Images.Should().ContainSingle();
        host.Posts(Generations).Should().ContainSingle().Which.Authorization.Should().Be("Bearer");
        host.Client.Options.Gateway.GenerationTimeout.Should().Be(TimeSpan.FromMinutes(5), "the second call's configuration still applies");
    }

    private static EmulatorFault Fault(string path, HttpStatusCode status) => new()
    {
        Method = "POST",
        PathContains = path,
        StatusCode = status,
        Times = 100,
        Body = """{"error":{"message":"boom","type":"server_error"}}""",
    };

    /// <summary>A hand-written retry a host might add to every client: sends the request again on a 5xx or a failure, up to 3 times.</summary>
    private sealed class ReplayingHandler : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
                    if ((int)response.StatusCode < 500 || attempt == 4)
                    {
                        return response;
                    }

                    response.Dispose();
                }
                catch (Exception) when (attempt < 4 && !cancellationToken.IsCancellationRequested)
                {
                }
            }
        }
    }

    /// <summary>A host handler that sends a copy of each request, as hedging does: method, URL, headers, content and options.</summary>
    private sealed class CloningHandler : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            using var clone = new HttpRequestMessage(request.Method, request.RequestUri) { Content = request.Content, Version = request.Version };
            foreach (KeyValuePair<string, IEnumerable<string>> header in request.Headers)
            {
                clone.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            foreach (KeyValuePair<string, object?> option in request.Options)
            {
                ((IDictionary<string, object?>)clone.Options)[option.Key] = option.Value;
            }

            HttpResponseMessage response = await base.SendAsync(clone, cancellationToken);
            clone.Content = null;   // the original owns the content
            return response;
        }
    }

    /// <summary>A service collection with the host's defaults, <c>AddLumenfall()</c> against an emulator, and one fake clock for both.</summary>
    private sealed class Host : IAsyncDisposable
    {
        private Host(LumenfallEmulator emulator, ServiceProvider provider, TestClock time)
        {
            Emulator = emulator;
            Provider = provider;
            Time = time;
        }

        public LumenfallEmulator Emulator { get; }

        public ServiceProvider Provider { get; }

        public TestClock Time { get; }

        public ImageClient Client => Provider.GetRequiredService<ImageClient>();

        public static async Task<Host> StartAsync(Action<IHttpClientBuilder> defaults, Action<LumenfallOptions>? configure = null, Action<LumenfallBuilder>? lumenfall = null)
        {
            var time = new TestClock();
            LumenfallEmulator emulator = await LumenfallEmulator.StartAsync(new EmulatorOptions { MaxSide = 64, TimeProvider = time });
            var services = new ServiceCollection();
            services.AddSingleton<TimeProvider>(time);
            services.ConfigureHttpClientDefaults(defaults);
            LumenfallBuilder builder = services.AddLumenfall(o =>
            {
                emulator.Configure(o);
                o.TimeProvider = time;
                configure?.Invoke(o);
            });
            lumenfall?.Invoke(builder);
            return new Host(emulator, services.BuildServiceProvider(), time);
        }

        /// <summary>The billable POSTs the emulator received on <paramref name="path"/>.</summary>
        public List<EmulatorRequest> Posts(string path) =>
            [.. Emulator.Requests.Where(r => r.Method == "POST" && r.Path.StartsWith(path, StringComparison.Ordinal))];

        /// <summary>Waits until the emulator holds the answer for <paramref name="delay"/> of fake time, then lets that time pass.</summary>
        public async Task<T> AnswerAfterAsync<T>(Task<T> call, TimeSpan delay)
        {
            await Time.NextTimerAsync(d => d == delay).WaitAsync(Guard);
            Time.Advance(delay);
            return await call.WaitAsync(Guard);
        }

        /// <summary>Until <paramref name="call"/> ends, lets each wait shorter than 10 s pass on the fake clock as soon as it is armed (backoffs, not timeouts).</summary>
        public async Task<T> AdvanceShortWaitsUntilAsync<T>(Task<T> call)
        {
            while (!call.IsCompleted)
            {
                Task<TimeSpan> next = Time.NextTimerAsync(d => d < TimeSpan.FromSeconds(10));
                if (await Task.WhenAny(next, call).WaitAsync(Guard) == next)
                {
                    Time.Advance(await next);
                }
            }

            return await call;
        }

        public async ValueTask DisposeAsync()
        {
            await Provider.DisposeAsync();
            await Emulator.DisposeAsync();
        }
    }
}
