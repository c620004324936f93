using System.Net;
using Lumenfall.Sdk.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using RichardSzalay.MockHttp;
using static Lumenfall.Sdk.Tests.TestSupport.ServiceHarness;

namespace Lumenfall.Sdk.Tests.Reliability;

/// <summary>The key never leaves in anything the SDK produces, even when a server echoes it back; server text is capped.</summary>
public class RedactionTests
{
    private static void ShouldNotLeak(LumenfallException error, string key)
    {
        string everything = string.Join("\n", error.Message, error.ErrorCode, error.ErrorType, error.RequestId, error.ClientRequestId, error.OperationId, error.RawBody, error.ToString());
        everything.Should().NotContain(key);
        for (Exception? inner = error.InnerException; inner is not null; inner = inner.InnerException)
        {
            inner.Message.Should().NotContain(key);
        }
    }

    [Fact]
    public async Task An_error_that_echoes_the_key_everywhere_is_redacted_everywhere()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Get, LumenfallBase + "/models",
            $$$"""{"error":{"message":"bad key {{{LumenfallKey}}}","code":"{{{LumenfallKey}}}","type":"t-{{{LumenfallKey}}}"}}""",
            HttpStatusCode.Unauthorized, ("X-Lumenfall-Request-Id", "req-" + LumenfallKey));

        LumenfallException error = (await FluentActions.Awaiting(() => harness.Client.ListModelsAsync()).Should().ThrowAsync<LumenfallAuthenticationException>()).Which;

        ShouldNotLeak(error, LumenfallKey);
        (error.ErrorCode, error.RequestId).Should().Be(("***", "req-***"));
    }

    [Fact]
    public async Task A_failed_fal_job_that_echoes_the_key_is_redacted()
    {
        var harness = new ServiceHarness();
        const string Queue = "https://queue.fal.run/fal-ai/omnigen-v1";
        harness.Respond(HttpMethod.Post, Queue, """{ "request_id": "r1", "status": "IN_QUEUE" }""");
        harness.Respond(HttpMethod.Get, Queue + "/requests/r1/status",
            $$"""{ "status": "FAILED", "error": { "message": "runner saw {{FalKey}}", "type": "{{FalKey}}" }, "error_type": "{{FalKey}}" }""");

        LumenfallOperationFailedException error = (await FluentActions.Awaiting(() => TypedFailureTests.DriveAsync(harness, harness.Client.GenerateAsync(new OmniGenV1Request("x"))))
            .Should().ThrowAsync<LumenfallOperationFailedException>()).Which;

        ShouldNotLeak(error, FalKey);
        error.Message.Should().Contain("runner saw ***");
    }

    [Fact]
    public async Task A_network_error_whose_message_holds_the_key_is_redacted_in_the_inner_exception_too()
    {
        var harness = new ServiceHarness();
        harness.Script(HttpMethod.Get, LumenfallBase + "/models", () => throw new HttpRequestException($"proxy refused {LumenfallKey}"));

        LumenfallNetworkException error = (await FluentActions.Awaiting(() => harness.Client.ListModelsAsync()).Should().ThrowAsync<LumenfallNetworkException>()).Which;

        ShouldNotLeak(error, LumenfallKey);
        error.InnerException!.Message.Should().Contain("HttpRequestException").And.Contain("***");
    }

    [Fact]
    public async Task Server_text_in_a_message_is_capped()
    {
        var harness = new ServiceHarness();
        string huge = new('x', 1_000_000);
        harness.Respond(HttpMethod.Post, LumenfallBase + "/images/generations", $$$"""{"error":{"message":"{{{huge}}}","code":"{{{huge}}}"}}""");

        LumenfallException error = (await FluentActions.Awaiting(() => harness.Client.GenerateAsync(new Flux2DevGenerationRequest("x"))).Should().ThrowAsync<LumenfallException>()).Which;

        error.Message.Length.Should().BeLessThan(3000);
        error.ErrorCode!.Length.Should().BeLessThan(300);
        error.RawBody!.Length.Should().BeLessThan(5000);
    }

    [Fact]
    public async Task A_download_never_allocates_more_than_arrives_whatever_the_declared_length()
    {
        var content = new StreamContent(new MemoryStream(new byte[68]));
        content.Headers.ContentLength = 200L * 1024 * 1024;   // a lie: 68 bytes follow

        long before = GC.GetAllocatedBytesForCurrentThread();
        byte[] bytes = await Lumenfall.Sdk.Http.ImageDownloader.ReadAllAsync(content, 256L * 1024 * 1024, CancellationToken.None);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        bytes.Should().HaveCount(68);
        allocated.Should().BeLessThan(1024 * 1024);
    }

    [Fact]
    public async Task An_honest_length_is_read_into_one_exact_array()
    {
        byte[] body = new byte[300_000];
        Random.Shared.NextBytes(body);
        var content = new ByteArrayContent(body);

        byte[] bytes = await Lumenfall.Sdk.Http.ImageDownloader.ReadAllAsync(content, 256L * 1024 * 1024, CancellationToken.None);

        bytes.Should().Equal(body);
    }

    [Fact]
    public async Task Under_a_host_no_log_state_holds_the_key()
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddFakeLogging());
        var mock = new MockHttpMessageHandler();
        mock.When("*").Respond("application/json", """{"data":[{"id":"m"}]}""");
        services.AddLumenfall(o => o.Gateway.ApiKey = LumenfallKey).GatewayHttpClient.ConfigurePrimaryHttpMessageHandler(() => mock);
        await using ServiceProvider provider = services.BuildServiceProvider();

        await provider.GetRequiredService<ImageClient>().ListModelsAsync();

        List<string> entries = [.. provider.GetFakeLogCollector().GetSnapshot().SelectMany(r => Texts(r.Message, r.State).Concat(r.Scopes.SelectMany(scope => Texts(null, scope))))];
        entries.Should().NotBeEmpty();
        entries.Should().NotContain(e => e.Contains(LumenfallKey, StringComparison.Ordinal));
        entries.Should().Contain(e => e.Contains("HTTP GET", StringComparison.Ordinal));
    }

    /// <summary>
    /// A log entry's text and every value of its structured state or scope, arrays expanded: FakeLogRecord's own
    /// StructuredState turns a value with ToString, so an array of header values would read "System.String[]".
    /// </summary>
    private static IEnumerable<string> Texts(string? message, object? state)
    {
        var parts = new List<string?> { message, state?.ToString() };
        if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
        {
            foreach ((string key, object? value) in pairs)
            {
                parts.Add(key);
                parts.Add(value is System.Collections.IEnumerable many and not string ? string.Join(",", many.Cast<object?>()) : value?.ToString());
            }
        }

        return parts.OfType<string>();
    }
}
