using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using Lumenfall.Sdk.Diagnostics;
using Lumenfall.Sdk.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RichardSzalay.MockHttp;

namespace Lumenfall.Sdk.Tests.Diagnostics;

/// <summary>Listeners are process-wide, so these tests run alone.</summary>
[CollectionDefinition(nameof(ProcessWideListeners), DisableParallelization = true)]
public sealed class ProcessWideListeners;

/// <summary>Spans, metrics and logs: what they carry, and what they never carry.</summary>
[Collection(nameof(ProcessWideListeners))]
public sealed class TelemetryTests : IDisposable
{
    private const string Generations = ServiceHarness.LumenfallBase + "/images/generations";
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = new();
    private readonly ActivityListener _activities;
    private readonly MeterListener _meters;

    public TelemetryTests()
    {
        _activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SdkTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_activities);
        _meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == SdkTelemetry.Name)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.Start();
    }

    [Fact]
    public async Task A_generation_has_an_operation_span_with_gen_ai_attributes_and_a_span_per_http_attempt()
    {
        var harness = new ServiceHarness(o => o.Lumenfall.Retry.MaxRetries = 2);
        harness.Script(HttpMethod.Post, Generations,
            () => ServiceHarness.Json(HttpStatusCode.TooManyRequests, "{}", ("Retry-After", "1")),
            () => ServiceHarness.Json(HttpStatusCode.OK, """{ "id": "req_tel", "data": [ { "url": "https://media.lumenfall.ai/a.png" }, { "url": "https://media.lumenfall.ai/b.png" } ] }"""));

        Task<ImageGenerationResult> call = harness.Client.GenerateAsync(new Flux2DevGenerationRequest("a secret prompt") { ImageCount = 2, Size = "1024x768" });
        await harness.Time.AdvanceToNextTimerAsync(TimeSpan.FromSeconds(5));
        await call;

        Activity operation = _spans.Single(a => a.DisplayName == "generate_content flux.2-dev");
        operation.GetTagItem("gen_ai.operation.name").Should().Be("generate_content");
        operation.GetTagItem("gen_ai.request.model").Should().Be("flux.2-dev");
        operation.GetTagItem("gen_ai.provider.name").Should().Be("lumenfall");
        operation.GetTagItem("gen_ai.request.image.count").Should().Be(2);
        operation.GetTagItem("gen_ai.request.image.size").Should().Be("1024x768");
        operation.GetTagItem("gen_ai.response.image.count").Should().Be(2);
        operation.GetTagItem("gen_ai.response.id").Should().Be("req_tel");
        operation.GetTagItem("gen_ai.input.prompt").Should().BeNull("prompts are recorded only with EnableSensitiveData");
        List<Activity> attempts = _spans.Where(a => a.ParentSpanId == operation.SpanId && a.DisplayName == "POST").ToList();
        attempts.Select(a => a.GetTagItem("http.response.status_code")).Should().Equal(429, 200);
        attempts.Select(a => a.GetTagItem("http.request.resend_count")).Should().Equal(0, 1);

        Measurement("lumenfall.sdk.http.retries").Should().ContainSingle();
        Measurement("lumenfall.sdk.operation.duration").Should().ContainSingle().Which.Tags["lumenfall.outcome"].Should().Be("success");
        Measurement("lumenfall.sdk.operation.outcomes").Should().ContainSingle().Which.Tags["gen_ai.request.model"].Should().Be("flux.2-dev");
    }

    [Fact]
    public async Task Failures_and_invalid_requests_are_counted_by_outcome()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Generations, """{ "error": { "code": "CONTENT_POLICY_VIOLATION" } }""", HttpStatusCode.BadRequest);

        await FluentActions.Awaiting(() => harness.Client.GenerateAsync(new Flux2DevGenerationRequest("x"))).Should().ThrowAsync<LumenfallContentPolicyException>();
        await FluentActions.Awaiting(() => harness.Client.GenerateAsync(new Flux2DevGenerationRequest(""))).Should().ThrowAsync<LumenfallValidationException>();

        Measurement("lumenfall.sdk.operation.outcomes").Select(m => m.Tags["lumenfall.outcome"]).Should().Equal("failure", "invalid");
        _spans.Where(a => a.DisplayName == "generate_content flux.2-dev").Should().HaveCount(2).And.OnlyContain(a => a.Status == ActivityStatusCode.Error);
    }

    [Fact]
    public async Task Logs_never_carry_keys_images_or_prompts_unless_sensitive_data_is_on()
    {
        foreach (bool sensitive in new[] { false, true })
        {
            var logs = new CapturingLoggerProvider();
            var mock = new MockHttpMessageHandler();
            mock.When(HttpMethod.Post, Generations).Respond(_ => ServiceHarness.Json(HttpStatusCode.OK, $$"""{ "data": [ { "b64_json": "{{TestImages.PngBase64}}" } ] }"""));
            mock.When(HttpMethod.Get, ServiceHarness.LumenfallBase + "/models").Respond(_ => ServiceHarness.Json(HttpStatusCode.ServiceUnavailable, "{}", ("Retry-After", "0")));
            var services = new ServiceCollection();
            services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
            services.AddLumenfall(o =>
            {
                o.Lumenfall.ApiKey = ServiceHarness.LumenfallKey;
                o.Lumenfall.Retry.MaxRetries = 1;
                o.EnableSensitiveData = sensitive;
            }).LumenfallHttpClient.ConfigurePrimaryHttpMessageHandler(() => mock);
            using ServiceProvider provider = services.BuildServiceProvider();
            ImageClient client = provider.GetRequiredService<ImageClient>();

            await client.GenerateAsync(new Flux2DevGenerationRequest("a capybara in a secret garden"));
            await FluentActions.Awaiting(() => client.ListModelsAsync()).Should().ThrowAsync<LumenfallUpstreamException>();

            string all = string.Join("\n", logs.Lines);
            all.Should().NotContain(ServiceHarness.LumenfallKey).And.NotContain(TestImages.PngBase64).And.NotContain("data:image");
            logs.Lines.Should().Contain(l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("Retrying GET", StringComparison.Ordinal));
            logs.Lines.Should().Contain(l => l.StartsWith("Debug", StringComparison.Ordinal) && l.Contains("Sending generate for flux.2-dev", StringComparison.Ordinal));
            if (sensitive)
            {
                all.Should().Contain("a capybara in a secret garden");
            }
            else
            {
                all.Should().NotContain("secret garden");
            }
        }
    }

    public void Dispose()
    {
        _activities.Dispose();
        _meters.Dispose();
    }

    private List<(string Instrument, double Value, Dictionary<string, object?> Tags)> Measurement(string instrument) =>
        _measurements.Where(m => m.Instrument == instrument).ToList();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        _measurements.Enqueue((instrument.Name, value, copy));
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(Lines);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue($"{logLevel}: {formatter(state, exception)} {exception}");
        }
    }
}
