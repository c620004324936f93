using System.Net;
using Lumenfall.Sdk.Tests.TestSupport;
using RichardSzalay.MockHttp;
using static Lumenfall.Sdk.Tests.TestSupport.ServiceHarness;

namespace Lumenfall.Sdk.Tests.Operations;

/// <summary>The default poll schedule on canned time: completion seen within one wait, and few status requests.</summary>
public class PollingScheduleTests
{
    private const string Queue = "https://queue.fal.run/fal-ai/omnigen-v1";

    [Theory]
    [InlineData(0.2)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(7.5)]
    [InlineData(10)]
    [InlineData(31)]
    [InlineData(60)]
    [InlineData(119)]
    [InlineData(600)]
    public async Task A_job_of_duration_t_is_seen_within_one_wait_and_costs_at_most_t_over_five_seconds_plus_three_polls(double seconds)
    {
        var harness = new ServiceHarness();
        TimeSpan duration = TimeSpan.FromSeconds(seconds);
        DateTimeOffset started = harness.Time.GetUtcNow();
        DateTimeOffset? seen = null;
        int polls = 0;
        harness.Respond(HttpMethod.Post, Queue, """{ "request_id": "r1", "status": "IN_QUEUE" }""");
        harness.Mock.When(HttpMethod.Get, Queue + "/requests/r1/status").Respond(_ =>
        {
            polls++;
            bool done = harness.Time.GetUtcNow() - started >= duration;
            seen ??= done ? harness.Time.GetUtcNow() : null;
            return Json(HttpStatusCode.OK, done ? """{ "status": "COMPLETED" }""" : """{ "status": "IN_PROGRESS" }""");
        });
        harness.Respond(HttpMethod.Get, Queue + "/requests/r1", """{ "images": [ { "url": "https://v3.fal.media/a.jpg" } ] }""");

        await Reliability.TypedFailureTests.DriveAsync(harness, harness.Client.GenerateAsync(new OmniGenV1Request("x")), maxSteps: 200);

        TimeSpan late = seen!.Value - (started + duration);
        late.Should().BeLessThanOrEqualTo(harness.Options.Fal.Polling.MaxInterval);
        polls.Should().BeLessThanOrEqualTo((int)Math.Ceiling(seconds / 5) + 3);
    }
}
