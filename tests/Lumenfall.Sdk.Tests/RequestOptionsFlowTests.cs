using System.Net;
using Lumenfall.Sdk.Tests.TestSupport;
using RichardSzalay.MockHttp;
using static Lumenfall.Sdk.Tests.TestSupport.ServiceHarness;

namespace Lumenfall.Sdk.Tests;

/// <summary>
/// A call's <see cref="RequestOptions"/> travel with the call itself, as Azure's <c>RequestContext</c> does, never in
/// an <c>AsyncLocal</c>: work started from inside a call does not inherit them, and an operation keeps the options of
/// the call that started it.
/// </summary>
public class RequestOptionsFlowTests
{
    private const string TaskUrl = "https://omnirouters.com/v1/images/generations/task-9";
    private const string TaskInProgress = """{"task_id":"task-9","status":"in_progress"}""";

    private static string OmniRoutersToken(string id) =>
        new OperationState { Service = ImageService.OmniRouters, ModelId = "Nano-Banana2", Id = id }.ToToken();

    [Fact]
    public async Task An_unrelated_status_poll_started_inside_a_call_does_not_inherit_the_calls_headers()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Get, TaskUrl, TaskInProgress);
        harness.Mock.When(HttpMethod.Get, LumenfallBase + "/models").Respond(async request =>
        {
            harness.Requests.Add(await CapturedRequest.FromAsync(request));

            // Code that runs inside the call's flow (a handler, a progress callback) looks at another job.
            await harness.Client.ResumeOperation(OmniRoutersToken("task-9")).UpdateStatusAsync();
            return Json(HttpStatusCode.OK, """{ "data": [] }""");
        });

        await harness.Client.ListModelsAsync(new RequestOptions { Headers = { ["X-Trace"] = "call-1" } });

        CapturedRequest models = harness.Requests.Single(r => r.Uri.AbsolutePath.EndsWith("/models", StringComparison.Ordinal));
        CapturedRequest poll = harness.Requests.Single(r => r.Uri.AbsoluteUri == TaskUrl);
        models.Headers["X-Trace"].Should().Be("call-1");
        poll.Headers.Should().NotContainKey("X-Trace", "the poll belongs to no call with options");
        poll.Authorization.Should().Be("Bearer " + OmniRoutersKey);
    }

    [Fact]
    public async Task An_operation_keeps_the_options_of_the_call_that_started_it_and_a_resumed_one_has_none()
    {
        var harness = new ServiceHarness(o => o.OmniRouters.UseAsyncTasks = true);
        harness.Respond(HttpMethod.Post, "https://omnirouters.com/v1/images/generations", """{"task_id":"task-9","status":"queued"}""");
        harness.Respond(HttpMethod.Get, TaskUrl, TaskInProgress);

        ImageOperation started = await harness.Client.StartAsync(
            new OmniImageRequest(OmniImageModel.NanoBanana2, "x"), new RequestOptions { Headers = { ["X-Tenant"] = "t-1" } });
        await started.UpdateStatusAsync();
        await harness.Client.ResumeOperation(started.RehydrationToken!).UpdateStatusAsync();

        harness.Requests.Select(r => (r.Method.Method, r.Headers.GetValueOrDefault("X-Tenant"))).Should().Equal(
            ("POST", "t-1"),
            ("GET", "t-1"),
            ("GET", (string?)null));
    }

    [Fact]
    public async Task Options_given_to_one_call_never_reach_the_next_call_on_the_same_flow()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Get, LumenfallBase + "/models", """{ "data": [] }""");

        await harness.Client.ListModelsAsync(new RequestOptions { Headers = { ["X-Trace"] = "first" } });
        await harness.Client.ListModelsAsync();

        harness.Requests.Select(r => r.Headers.GetValueOrDefault("X-Trace")).Should().Equal("first", null);
    }
}
