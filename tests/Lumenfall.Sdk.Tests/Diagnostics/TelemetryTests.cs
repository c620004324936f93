using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Lumenfall.Sdk.Diagnostics;
using Lumenfall.Sdk.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using RichardSzalay.MockHttp;

namespace Lumenfall.Sdk.Tests.Diagnostics;

/// <summary>Listeners are process-wide, so these tests run alone.</summary>
[CollectionDefinition(nameof(ProcessWideListeners), DisableParallelization = true)]
public sealed class ProcessWideListeners;

/// <summary>
/// Spans, metrics and logs: what they carry, and what they never carry. Metrics are read with
/// Microsoft.Extensions.Diagnostics.Testing's <see cref="MetricCollector{T}"/> and logs with its
/// <see cref="FakeLogCollector"/>; spans with the runtime's own <see cref="ActivityListener"/> (that package has no
/// collector for activities).
/// </summary>
[Collection(nameof(ProcessWideListeners))]
public sealed class TelemetryTests : IDisposable
{
    private const string Generations = ServiceHarness.LumenfallBase + "/images/generations";
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly ActivityListener _activities;
    private readonly MetricCollector<long> _retries = new(null, SdkTelemetry.Name, "lumenfall.sdk.http.retries");
    private readonly MetricCollector<long> _outcomes = new(null, SdkTelemetry.Name, "lumenfall.sdk.operation.outcomes");
    private readonly MetricCollector<double> _durations = new(null, SdkTelemetry.Name, "lumenfall.sdk.operation.duration");

    public TelemetryTests()
    {
        _activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SdkTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_activities);
    }

    [Fact]
    public void The_process_warm_up_runs_the_first_calls_path_offline_and_leaves_no_span_or_metric()
    {
        using var httpEvents = new HttpRequestEvents();
        Action warmUp = Lumenfall.Sdk.Http.WarmUp.Exercise;

        warmUp.Should().NotThrow("a failing warm-up would be swallowed in production and compile nothing");
        httpEvents.Hosts.Should().NotContain("warm-up.invalid", "System.Net.Http's request counters must not count the warm-up");
        _spans.Should().BeEmpty();
        (_retries.GetMeasurementSnapshot().Count + _outcomes.GetMeasurementSnapshot().Count + _durations.GetMeasurementSnapshot().Count)
            .Should().Be(0, "nothing the warm-up does is a call of the user's");
    }

    [Fact]
    public async Task A_generation_has_an_operation_span_with_gen_ai_attributes_and_a_span_per_http_attempt()
    {
        var harness = new ServiceHarness(o => o.Gateway.Retry.MaxRetries = 2);
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

        _retries.GetMeasurementSnapshot().Should().ContainSingle();
        _durations.GetMeasurementSnapshot().Should().ContainSingle().Which.Tags["lumenfall.outcome"].Should().Be("success");
        _outcomes.GetMeasurementSnapshot().Should().ContainSingle().Which.Tags["gen_ai.request.model"].Should().Be("flux.2-dev");
    }

    [Fact]
    public async Task Failures_and_invalid_requests_are_counted_by_outcome()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Generations, """{ "error": { "code": "CONTENT_POLICY_VIOLATION" } }""", HttpStatusCode.BadRequest);

        await FluentActions.Awaiting(() => harness.Client.GenerateAsync(new Flux2DevGenerationRequest("x"))).Should().ThrowAsync<LumenfallContentPolicyException>();
        await FluentActions.Awaiting(() => harness.Client.GenerateAsync(new Flux2DevGenerationRequest(""))).Should().ThrowAsync<LumenfallValidationException>();

        _outcomes.GetMeasurementSnapshot().Select(m => m.Tags["lumenfall.outcome"]).Should().Equal("failure", "invalid");
        _spans.Where(a => a.DisplayName == "generate_content flux.2-dev").Should().HaveCount(2).And.OnlyContain(a => a.Status == ActivityStatusCode.Error);
    }

    [Fact]
    public async Task Logs_never_carry_keys_images_or_prompts_unless_sensitive_data_is_on()
    {
        foreach (bool sensitive in new[] { false, true })
        {
            var mock = new MockHttpMessageHandler();
            mock.When(HttpMethod.Post, Generations).Respond(_ => ServiceHarness.Json(HttpStatusCode.OK, $$"""{ "data": [ { "b64_json": "{{TestImages.PngBase64}}" } ] }"""));
            mock.When(HttpMethod.Get, ServiceHarness.LumenfallBase + "/models").Respond(_ => ServiceHarness.Json(HttpStatusCode.ServiceUnavailable, "{}", ("Retry-After", "0")));
            var services = new ServiceCollection();
            services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddFakeLogging());
            services.AddLumenfall(o =>
            {
                o.Gateway.ApiKey = ServiceHarness.LumenfallKey;
                o.Gateway.Retry.MaxRetries = 1;
                o.EnableSensitiveData = sensitive;
            }).GatewayHttpClient.ConfigurePrimaryHttpMessageHandler(() => mock);
            using ServiceProvider provider = services.BuildServiceProvider();
            ImageClient client = provider.GetRequiredService<ImageClient>();

            await client.GenerateAsync(new Flux2DevGenerationRequest("a capybara in a secret garden"));
            await FluentActions.Awaiting(() => client.ListModelsAsync()).Should().ThrowAsync<LumenfallUpstreamException>();

            IReadOnlyList<FakeLogRecord> logs = provider.GetFakeLogCollector().GetSnapshot();
            string all = string.Join("\n", logs.Select(r => $"{r.Level}: {r.Message} {r.Exception} {string.Join(",", r.StructuredState ?? [])}"));
            all.Should().NotContain(ServiceHarness.LumenfallKey).And.NotContain(TestImages.PngBase64).And.NotContain("data:image");
            logs.Should().Contain(r => r.Level == LogLevel.Warning && r.Message.Contains("Retrying GET", StringComparison.Ordinal));
            logs.Should().Contain(r => r.Level == LogLevel.Debug && r.Message.Contains("Sending generate for flux.2-dev", StringComparison.Ordinal));
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
        _retries.Dispose();
        _outcomes.Dispose();
        _durations.Dispose();
    }
}

/// <summary>The hosts of the requests System.Net.Http's event source reports (RequestStart), while it listens.</summary>
internal sealed class HttpRequestEvents : System.Diagnostics.Tracing.EventListener
{
    public ConcurrentQueue<string> Hosts { get; } = new();

    protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource eventSource)
    {
        if (eventSource.Name == "System.Net.Http")
        {
            EnableEvents(eventSource, System.Diagnostics.Tracing.EventLevel.Informational);
        }
    }

    protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs eventData)
    {
        if (eventData.EventName == "RequestStart" && eventData.Payload is { Count: > 1 } payload && payload[1] is string host)
        {
            Hosts.Enqueue(host);
        }
    }
}
