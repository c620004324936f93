using System.Net;
using Lumenfall.Sdk.Tests.TestSupport;
using static Lumenfall.Sdk.Tests.TestSupport.ServiceHarness;

namespace Lumenfall.Sdk.Tests.Reliability;

/// <summary>A long wait survives a blip: one dropped, truncated or garbled status answer is looked at again, not the end.</summary>
public class LongWaitTests
{
    private const string Queue = "https://queue.fal.run/fal-ai/omnigen-v1";
    private const string Requests = Queue + "/requests/r1";
    private const string Status = Requests + "/status";
    private const string Submitted = $$"""{ "request_id": "r1", "status_url": "{{Status}}", "response_url": "{{Requests}}", "status": "IN_QUEUE" }""";
    private const string Output = """{ "images": [ { "url": "https://v3.fal.media/files/a.jpg" } ] }""";
    private const string Tasks = "https://omnirouters.com/v1/images/generations";

    public static TheoryData<string> Blips => ["reset", "cut", "truncated", "malformed", "wrong-type", "html"];

    private static HttpResponseMessage Blip(string kind) => kind switch
    {
        "reset" => throw new HttpRequestException("reset", new IOException("reset"), HttpStatusCode.OK),
        "cut" => HostileContent.CutShort("""{ "status": "IN_PROGRESS" }""", sent: 8),
        "truncated" => Json(HttpStatusCode.OK, """{ "status": "IN_PROG"""),
        "malformed" => Json(HttpStatusCode.OK, """{ status: IN_PROGRESS }"""),
        "wrong-type" => Json(HttpStatusCode.OK, """{ "status": ["IN_PROGRESS"], "queue_position": "first" }"""),
        _ => HostileContent.Bytes(HttpStatusCode.OK, "<html>gateway hiccup</html>"u8.ToArray(), "text/html"),
    };

    [Theory]
    [MemberData(nameof(Blips))]
    public async Task One_blip_during_a_fal_wait_is_looked_at_again(string kind)
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Queue, Submitted);
        harness.Script(HttpMethod.Get, Status, () => Blip(kind), () => Json(HttpStatusCode.OK, """{ "status": "COMPLETED" }"""));
        harness.Respond(HttpMethod.Get, Requests, Output);

        ImageGenerationResult result = await TypedFailureTests.DriveAsync(harness, harness.Client.GenerateAsync(new OmniGenV1Request("x")));

        result.Images.Should().ContainSingle();
        harness.To(Status).Should().HaveCount(2);
        harness.To(Queue).Should().ContainSingle();
    }

    [Theory]
    [MemberData(nameof(Blips))]
    public async Task One_blip_during_an_omnirouters_wait_is_looked_at_again(string kind)
    {
        var harness = new ServiceHarness(o => o.OmniRouters.UseAsyncTasks = true);
        harness.Respond(HttpMethod.Post, Tasks, """{ "task_id": "t1", "status": "queued" }""");
        harness.Script(HttpMethod.Get, Tasks + "/t1", () => Blip(kind),
            () => Json(HttpStatusCode.OK, """{ "task_id": "t1", "status": "completed", "data": [ { "url": "https://cdn.example.com/a.png" } ] }"""));

        ImageGenerationResult result = await TypedFailureTests.DriveAsync(harness, harness.Client.GenerateAsync(new OmniImageRequest(OmniImageModel.NanoBanana2, "x")));

        result.Images.Should().ContainSingle();
        harness.To(Tasks).Should().ContainSingle();
    }

    [Fact]
    public async Task A_result_fetch_cut_short_once_is_fetched_again()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Queue, Submitted);
        harness.Respond(HttpMethod.Get, Status, """{ "status": "COMPLETED" }""");
        harness.Script(HttpMethod.Get, Requests, () => HostileContent.CutShort(Output, sent: 10), () => Json(HttpStatusCode.OK, Output));

        ImageGenerationResult result = await TypedFailureTests.DriveAsync(harness, harness.Client.GenerateAsync(new OmniGenV1Request("x")));

        result.Images.Should().ContainSingle();
    }

    [Fact]
    public async Task Blips_that_never_stop_end_the_wait_with_a_typed_exception_that_resumes()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Queue, Submitted);
        harness.Script(HttpMethod.Get, Status, () => Blip("truncated"));

        LumenfallUnexpectedResponseException error = (await FluentActions.Awaiting(() => TypedFailureTests.DriveAsync(harness, harness.Client.GenerateAsync(new OmniGenV1Request("x"))))
            .Should().ThrowExactlyAsync<LumenfallUnexpectedResponseException>()).Which;

        error.OperationId.Should().Be("r1");
        harness.Client.ResumeOperation(error.RehydrationToken!).Id.Should().Be("r1");
        harness.To(Status).Should().HaveCount(6, "the first look and five more within the transient limit");
    }
}
