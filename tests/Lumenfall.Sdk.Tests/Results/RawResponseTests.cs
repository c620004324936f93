using System.Net;
using Lumenfall.Sdk.Tests.TestSupport;
using static Lumenfall.Sdk.Tests.TestSupport.ServiceHarness;

namespace Lumenfall.Sdk.Tests.Results;

/// <summary>Every result and exception exposes the response it came from: status, key-free headers, request ids; fal metrics too.</summary>
public class RawResponseTests
{
    [Fact]
    public async Task A_result_carries_its_response_status_headers_and_ids_without_the_key()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, LumenfallBase + "/images/generations", """{"data":[{"url":"https://cdn.example.com/a.png"}]}""", HttpStatusCode.OK,
            ("X-Lumenfall-Request-Id", "req_1"), ("X-RateLimit-Remaining", "41"), ("X-Echo", "key=" + LumenfallKey));

        ImageGenerationResult result = await harness.Client.GenerateAsync(new Flux2DevGenerationRequest("x"));

        ResponseInfo response = result.Response!;
        (response.StatusCode, response.RequestId, response.ClientRequestId).Should().Be((HttpStatusCode.OK, "req_1", result.ClientRequestId));
        response.Header("x-ratelimit-remaining").Should().Be("41");
        response.Header("Content-Type").Should().StartWith("application/json");
        response.Header("X-Echo").Should().Be("key=***");
    }

    [Fact]
    public async Task An_exception_carries_the_response_that_produced_it()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Get, LumenfallBase + "/models", """{"error":{"code":"RATE_LIMITED"}}""", HttpStatusCode.TooManyRequests,
            ("Retry-After", "7"), ("X-Lumenfall-Request-Id", "req_2"));

        LumenfallException error = (await FluentActions.Awaiting(() => harness.Client.ListModelsAsync()).Should().ThrowAsync<LumenfallRateLimitException>()).Which;

        (error.Response!.StatusCode, error.Response.RequestId, error.Response.Header("Retry-After")).Should().Be((HttpStatusCode.TooManyRequests, "req_2", "7"));
    }

    [Fact]
    public async Task A_model_and_a_cost_estimate_carry_their_responses()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Get, LumenfallBase + "/models/flux.2-dev", """{"id":"flux.2-dev"}""", HttpStatusCode.OK, ("X-Lumenfall-Request-Id", "req_m"));
        harness.Respond(HttpMethod.Post, LumenfallBase + "/images/generations?dryRun=true", """{"total_cost_micros":30000}""", HttpStatusCode.OK, ("X-Lumenfall-Request-Id", "req_c"));

        ServiceModel model = await harness.Client.GetModelAsync("flux.2-dev");
        CostEstimate cost = await harness.Client.EstimateCostAsync(new Flux2DevGenerationRequest("x"));

        (model.Response!.RequestId, cost.Response!.RequestId, cost.TotalCost).Should().Be(("req_m", "req_c", 0.03m));
    }

    [Fact]
    public async Task A_fal_result_carries_the_jobs_metrics()
    {
        var harness = new ServiceHarness();
        const string Queue = "https://queue.fal.run/fal-ai/omnigen-v1";
        harness.Respond(HttpMethod.Post, Queue, """{ "request_id": "r1", "status": "IN_QUEUE" }""");
        harness.Respond(HttpMethod.Get, Queue + "/requests/r1/status", """{ "status": "COMPLETED", "metrics": { "inference_time": 4.25, "note": "x" } }""");
        harness.Respond(HttpMethod.Get, Queue + "/requests/r1", """{ "images": [ { "url": "https://v3.fal.media/a.jpg" } ] }""", HttpStatusCode.OK, ("x-fal-request-id", "r1"));

        ImageGenerationResult result = await Reliability.TypedFailureTests.DriveAsync(harness, harness.Client.GenerateAsync(new OmniGenV1Request("x")));

        result.Metrics.Should().BeEquivalentTo(new Dictionary<string, double> { ["inference_time"] = 4.25 });
        result.Response!.RequestId.Should().Be("r1");
    }
}
