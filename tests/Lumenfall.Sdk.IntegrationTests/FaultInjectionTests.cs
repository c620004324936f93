using System.Net;
using Lumenfall.Sdk.Testing;

namespace Lumenfall.Sdk.IntegrationTests;

/// <summary>Injected faults over real HTTP, counting the requests that reached the emulator.</summary>
public class FaultInjectionTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private LumenfallEmulator Emulator => fixture.Emulator;

    private int Posts(string clientRequestId) => Emulator.Requests.Count(r => r.Method == "POST" && r.ClientRequestId == clientRequestId);

    private static string Marker() => "p" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task A_429_with_retry_after_is_retried_once_and_succeeds()
    {
        string prompt = Marker();
        Emulator.Faults.Add(new EmulatorFault
        {
            PathContains = "/lumenfall/openai/v1/images/generations",
            StatusCode = HttpStatusCode.TooManyRequests,
            Headers = new Dictionary<string, string> { ["retry-after-ms"] = "20" },
            Body = """{"error":{"code":"RATE_LIMITED","message":"slow down"}}""",
        });

        ImageGenerationResult result = await fixture.Client().GenerateAsync(new Flux2DevGenerationRequest(prompt) { Size = "16x16" });

        Posts(result.ClientRequestId!).Should().Be(2);
    }

    [Fact]
    public async Task A_503_without_retry_after_on_a_billable_post_is_not_replayed()
    {
        Emulator.Faults.Add(new EmulatorFault { PathContains = "/lumenfall/openai/v1/images/generations", StatusCode = HttpStatusCode.ServiceUnavailable, Body = """{"error":{"code":"UPSTREAM_ERROR"}}""" });

        LumenfallUpstreamException error = (await FluentActions.Awaiting(() => fixture.Client().GenerateAsync(new Flux2DevGenerationRequest(Marker())))
            .Should().ThrowAsync<LumenfallUpstreamException>()).Which;

        Posts(error.ClientRequestId!).Should().Be(1);
    }

    [Fact]
    public async Task A_503_on_a_read_is_retried()
    {
        Emulator.Faults.Add(new EmulatorFault { Method = "GET", PathContains = "/lumenfall/openai/v1/models", StatusCode = HttpStatusCode.ServiceUnavailable, Body = "{}" });
        int before = Emulator.Requests.Count(r => r.Path == "/lumenfall/openai/v1/models");

        await fixture.Client().ListModelsAsync();

        Emulator.Requests.Count(r => r.Path == "/lumenfall/openai/v1/models").Should().Be(before + 2);
    }

    [Fact]
    public async Task A_dropped_connection_on_a_billable_post_is_not_replayed()
    {
        Emulator.Faults.Add(new EmulatorFault { PathContains = "/omnirouters/v1/images/generations", Method = "POST", DropConnection = true });

        LumenfallException error = (await FluentActions.Awaiting(() => fixture.Client().GenerateAsync(new OmniImageRequest(OmniImageModel.NanoBanana2, Marker())))
            .Should().ThrowAsync<LumenfallException>()).Which;

        Posts(error.ClientRequestId!).Should().Be(1);
    }

    [Fact]
    public async Task Malformed_json_is_a_clear_error_with_the_ids()
    {
        Emulator.Faults.Add(new EmulatorFault { PathContains = "/lumenfall/openai/v1/images/generations", MalformedJson = true });

        LumenfallException error = (await FluentActions.Awaiting(() => fixture.Client().GenerateAsync(new GptImage2GenerationRequest(Marker()) { Size = "16x16" }))
            .Should().ThrowAsync<LumenfallException>()).Which;

        error.Message.Should().Contain("could not read");
        Posts(error.ClientRequestId!).Should().Be(1);
    }

    [Fact]
    public async Task A_truncated_poll_answer_keeps_the_job_which_resumes_from_the_token()
    {
        Emulator.Faults.Add(new EmulatorFault { Method = "GET", PathContains = "/status", TruncatedJson = true });

        LumenfallException error = (await FluentActions.Awaiting(() => fixture.Client().GenerateAsync(new OmniGenV1Request(Marker())))
            .Should().ThrowAsync<LumenfallException>()).Which;
        ImageGenerationResult result = await fixture.Client().ResumeOperation(error.RehydrationToken!).WaitForCompletionAsync();

        error.OperationId.Should().NotBeNullOrEmpty();
        result.RequestId.Should().Be(error.OperationId);
    }
}
