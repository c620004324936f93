using System.Net;
using System.Text;
using Lumenfall.Sdk.Tests.TestSupport;
using RichardSzalay.MockHttp;
using static Lumenfall.Sdk.Tests.TestSupport.ServiceHarness;

namespace Lumenfall.Sdk.Tests.Transports.Fal;

/// <summary>OmniGen v1 on fal: sync calls, the queue lifecycle on fake time, cancel, resume, uploads and failures.</summary>
public class FalTransportTests
{
    private const string Id = "80e732af-660e-45cd-bd63-580e4f2a94cc";
    private const string Queue = "https://queue.fal.run/fal-ai/omnigen-v1";
    private const string Requests = Queue + "/requests/" + Id;
    private const string Status = Requests + "/status";
    private const string Cancel = Requests + "/cancel";
    private const string Submitted = $$"""
        { "request_id": "{{Id}}", "response_url": "{{Requests}}", "status_url": "{{Status}}", "cancel_url": "{{Cancel}}", "queue_position": 2 }
        """;
    private const string Output = """
        { "images": [ { "url": "https://v3.fal.media/files/rabbit/omnigen.jpg", "content_type": "image/jpeg", "file_name": "omnigen.jpg",
                        "file_size": 123456, "width": 1024, "height": 1024 } ],
          "seed": 9007199254740993, "has_nsfw_concepts": [false], "prompt": "Neon words", "timings": { "inference": 4.25 } }
        """;

    private static string InQueue(int position) => $$"""{ "status": "IN_QUEUE", "request_id": "{{Id}}", "queue_position": {{position}}, "response_url": "{{Requests}}" }""";

    private static string InProgress(params string[] logs) =>
        $$"""{ "status": "IN_PROGRESS", "request_id": "{{Id}}", "logs": [{{string.Join(",", logs.Select(l => $$"""{"message":"{{l}}","level":"INFO","source":"USER","timestamp":"2026-11-21T12:00:01Z"}"""))}}] }""";

    private static string Completed(string extra = "") => $$"""{ "status": "COMPLETED", "request_id": "{{Id}}", "logs": [], "metrics": { "inference_time": 4.1 }{{extra}} }""";

    private static ServiceHarness QueueHarness(Action<LumenfallOptions>? configure = null)
    {
        var harness = new ServiceHarness(configure);
        harness.Respond(HttpMethod.Post, Queue, Submitted);
        harness.RespondSequence(HttpMethod.Get, Status,
            new Reply(InQueue(1), HttpStatusCode.Accepted),
            new Reply(InProgress("Loading model"), HttpStatusCode.Accepted),
            new Reply(InProgress("Loading model", "Step 25/50"), HttpStatusCode.Accepted),
            new Reply(Completed()));
        harness.Respond(HttpMethod.Get, Requests, Output);
        return harness;
    }

    [Fact]
    public async Task Sync_mode_posts_to_fal_run_with_the_key_and_returns_the_output()
    {
        var harness = new ServiceHarness(o => o.Fal.Mode = FalExecutionMode.Sync);
        harness.Respond(HttpMethod.Post, "https://fal.run/fal-ai/omnigen-v1", Output, HttpStatusCode.OK, ("x-fal-request-id", "sync-req-1"));

        ImageGenerationResult result = await harness.Client.GenerateAsync(new OmniGenV1Request("Neon words") { ImageCount = 1, Size = ImageSize.SquareHd });

        CapturedRequest sent = harness.Requests.Single();
        sent.Authorization.Should().Be("Key " + FalKey);
        sent.Json.ToJsonString().Should().Be("""{"prompt":"Neon words","image_size":"square_hd","num_images":1}""");
        result.RequestId.Should().Be("sync-req-1");
        result.Service.Should().Be(ImageService.Fal);
    }

    [Fact]
    public async Task The_queue_lifecycle_polls_the_returned_status_url_with_backoff_and_fetches_the_result()
    {
        var harness = QueueHarness(o => o.Fal.IncludeLogs = true);
        var updates = new List<OperationUpdate>();

        ImageOperation operation = await harness.Client.StartAsync(new OmniGenV1Request("Neon words"));
        operation.Status.Should().Be(ImageOperationStatus.Queued);
        operation.QueuePosition.Should().Be(2);
        Task<ImageGenerationResult> wait = operation.WaitForCompletionAsync(new Progress(updates));
        var intervals = new List<TimeSpan>();
        for (int poll = 0; poll < 4; poll++)
        {
            intervals.Add(await harness.Time.AdvanceToNextTimerAsync(TimeSpan.FromSeconds(5)));
        }

        ImageGenerationResult result = await wait;

        intervals.Should().Equal(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4));
        harness.To(Status).Should().HaveCount(4).And.OnlyContain(r => r.Uri.Query == "?logs=1" && r.Authorization == "Key " + FalKey);
        harness.To(Requests).Should().ContainSingle("the result is fetched once from response_url");
        updates.Select(u => (u.Status, u.QueuePosition, u.RawStatus)).Should().Equal(
            (ImageOperationStatus.Queued, 1, "IN_QUEUE"),
            (ImageOperationStatus.InProgress, null, "IN_PROGRESS"),
            (ImageOperationStatus.InProgress, null, "IN_PROGRESS"),
            (ImageOperationStatus.Succeeded, null, "COMPLETED"));
        updates.SelectMany(u => u.NewLogs).Select(l => l.Message).Should().Equal("Loading model", "Step 25/50");
        operation.Logs.Should().HaveCount(2);
        operation.Status.Should().Be(ImageOperationStatus.Succeeded);
        operation.Value.Should().BeSameAs(result);

        result.RequestId.Should().Be(Id);
        result.Seed.Should().Be(9_007_199_254_740_993L, "seeds above 2^53 must survive");
        result.Prompt.Should().Be("Neon words");
        result.Timings.Should().Equal(new Dictionary<string, double> { ["inference"] = 4.25 });
        GeneratedImage image = result.Images.Single();
        image.Uri.Should().Be(new Uri("https://v3.fal.media/files/rabbit/omnigen.jpg"));
        (image.MediaType, image.Width, image.Height, image.FileName, image.FileSize, image.HasNsfwConcepts)
            .Should().Be(("image/jpeg", 1024, 1024, "omnigen.jpg", 123456L, false));
    }

    [Fact]
    public async Task The_wait_backs_off_to_five_seconds_and_honours_a_longer_retry_after()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Queue, Submitted);
        harness.RespondSequence(HttpMethod.Get, Status,
            new Reply(InQueue(9), HttpStatusCode.Accepted),
            new Reply(InQueue(8), HttpStatusCode.Accepted),
            new Reply(InQueue(7), HttpStatusCode.Accepted),
            new Reply(InQueue(6), HttpStatusCode.Accepted),
            new Reply(InQueue(5), HttpStatusCode.Accepted),
            new Reply(InQueue(4), HttpStatusCode.Accepted),
            new Reply(InQueue(3), HttpStatusCode.Accepted, ("Retry-After", "8")),
            new Reply(Completed()));
        harness.Respond(HttpMethod.Get, Requests, Output);

        Task<ImageGenerationResult> run = harness.Client.GenerateAsync(new OmniGenV1Request("x"));
        var intervals = new List<TimeSpan>();
        for (int poll = 0; poll < 8; poll++)
        {
            intervals.Add(await harness.Time.AdvanceToNextTimerAsync(TimeSpan.FromSeconds(10)));
        }

        await run;
        intervals.Select(i => i.TotalMilliseconds).Should().Equal(500, 1000, 2000, 4000, 5000, 5000, 5000, 8000);
    }

    [Fact]
    public async Task An_unknown_status_is_reported_and_polling_goes_on()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Queue, Submitted);
        harness.RespondSequence(HttpMethod.Get, Status,
            new Reply($$"""{ "status": "WARMING_UP", "request_id": "{{Id}}" }""", HttpStatusCode.Accepted),
            new Reply(Completed()));
        harness.Respond(HttpMethod.Get, Requests, Output);
        var updates = new List<OperationUpdate>();

        ImageOperation operation = await harness.Client.StartAsync(new OmniGenV1Request("x"));
        Task<ImageGenerationResult> wait = operation.WaitForCompletionAsync(new Progress(updates));
        await harness.Time.AdvanceToNextTimerAsync(TimeSpan.FromSeconds(5));
        await harness.Time.AdvanceToNextTimerAsync(TimeSpan.FromSeconds(5));
        await wait;

        updates.Select(u => (u.Status, u.RawStatus)).Should().Equal((ImageOperationStatus.Unknown, "WARMING_UP"), (ImageOperationStatus.Succeeded, "COMPLETED"));
    }

    [Fact]
    public async Task Submit_options_become_headers_and_the_webhook_a_query_parameter()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Queue, Submitted);
        var request = new OmniGenV1Request("x")
        {
            Submit = new FalSubmitOptions
            {
                StartTimeout = TimeSpan.FromSeconds(30),
                Priority = FalQueuePriority.Low,
                RunnerHint = "eu-west",
                NoRetry = true,
                WebhookUrl = new Uri("https://hooks.example.com/fal?job=1"),
            },
        };

        await harness.Client.StartAsync(request);

        CapturedRequest submit = harness.Requests.Single();
        submit.Uri.Query.Should().Be("?fal_webhook=" + Uri.EscapeDataString("https://hooks.example.com/fal?job=1"));
        submit.Headers["x-fal-request-timeout"].Should().Be("30");
        submit.Headers["x-fal-queue-priority"].Should().Be("low");
        submit.Headers["x-fal-runner-hint"].Should().Be("eu-west");
        submit.Headers["x-fal-no-retry"].Should().Be("1");
        submit.Json.ToJsonString().Should().Be("""{"prompt":"x"}""", "submit settings never enter the model input");
    }

    [Fact]
    public async Task Bad_submit_settings_are_refused_before_sending()
    {
        var harness = new ServiceHarness();
        var request = new OmniGenV1Request("x") { Submit = new FalSubmitOptions { StartTimeout = TimeSpan.FromSeconds(1), Priority = "urgent" } };

        LumenfallValidationException error = (await FluentActions.Awaiting(() => harness.Client.StartAsync(request))
            .Should().ThrowAsync<LumenfallValidationException>()).Which;

        error.Errors.Select(e => e.ParameterName).Should().Equal("x-fal-request-timeout", "x-fal-queue-priority");
        harness.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Urls_are_built_from_owner_and_app_when_the_submit_reply_omits_them()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Queue, $$"""{ "request_id": "{{Id}}" }""");
        harness.RespondSequence(HttpMethod.Get, Status, new Reply(Completed()));
        harness.Respond(HttpMethod.Get, Requests, Output);

        Task<ImageGenerationResult> run = harness.Client.GenerateAsync(new OmniGenV1Request("x"));
        await harness.Time.AdvanceToNextTimerAsync(TimeSpan.FromSeconds(5));
        await run;

        harness.Requests.Select(r => r.Uri.AbsoluteUri).Should().Equal(Queue, Status, Requests);
    }

    public static TheoryData<HttpStatusCode, string, CancelOutcome> CancelReplies => new()
    {
        { HttpStatusCode.Accepted, """{ "status": "CANCELLATION_REQUESTED" }""", CancelOutcome.CancellationRequested },
        { HttpStatusCode.BadRequest, """{ "status": "ALREADY_COMPLETED" }""", CancelOutcome.AlreadyCompleted },
        { HttpStatusCode.NotFound, """{ "status": "NOT_FOUND" }""", CancelOutcome.NotFound },
        { HttpStatusCode.OK, """{ "status": "OK" }""", CancelOutcome.Canceled },
        { HttpStatusCode.OK, """{ "status": "SOMETHING_NEW" }""", CancelOutcome.Unknown },
    };

    [Theory]
    [MemberData(nameof(CancelReplies))]
    public async Task Cancel_puts_the_cancel_url_and_reports_each_outcome(HttpStatusCode status, string body, CancelOutcome expected)
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Queue, Submitted);
        harness.Respond(HttpMethod.Put, Cancel, body, status);
        ImageOperation operation = await harness.Client.StartAsync(new OmniGenV1Request("x"));

        CancelOutcome outcome = await operation.CancelAsync();

        outcome.Should().Be(expected);
        CapturedRequest put = harness.To(Cancel).Single();
        put.Method.Should().Be(HttpMethod.Put);
        put.Authorization.Should().Be("Key " + FalKey);
    }

    [Fact]
    public async Task Cancel_works_while_in_progress_and_on_a_resumed_operation()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Queue, Submitted);
        harness.RespondSequence(HttpMethod.Get, Status, new Reply(InProgress("working"), HttpStatusCode.Accepted));
        harness.Respond(HttpMethod.Put, Cancel, """{ "status": "CANCELLATION_REQUESTED" }""", HttpStatusCode.Accepted);
        ImageOperation operation = await harness.Client.StartAsync(new OmniGenV1Request("x"));
        (await operation.UpdateStatusAsync()).Should().Be(ImageOperationStatus.InProgress);

        (await operation.CancelAsync()).Should().Be(CancelOutcome.CancellationRequested);
        ImageOperation resumed = harness.Client.ResumeOperation(operation.RehydrationToken!);
        (await resumed.CancelAsync()).Should().Be(CancelOutcome.CancellationRequested);

        harness.To(Cancel).Should().HaveCount(2);
    }

    [Fact]
    public async Task A_token_resumes_the_same_operation_in_a_fresh_client()
    {
        var first = new ServiceHarness();
        first.Respond(HttpMethod.Post, Queue, Submitted);
        ImageOperation started = await first.Client.StartAsync(new OmniGenV1Request("x"));
        string token = started.RehydrationToken!;

        var second = new ServiceHarness();
        second.RespondSequence(HttpMethod.Get, Status, new Reply(InProgress("half way"), HttpStatusCode.Accepted), new Reply(Completed()));
        second.Respond(HttpMethod.Get, Requests, Output);
        ImageOperation resumed = second.Client.ResumeOperation(token);
        resumed.Status.Should().Be(ImageOperationStatus.Unknown);
        Task<ImageGenerationResult> wait = resumed.WaitForCompletionAsync();
        await second.Time.AdvanceToNextTimerAsync(TimeSpan.FromSeconds(5));
        ImageGenerationResult result = await wait;

        (resumed.Id, resumed.ModelId, resumed.Service).Should().Be((Id, "fal-ai/omnigen-v1", ImageService.Fal));
        result.Seed.Should().Be(9_007_199_254_740_993L);
        second.Requests.Select(r => r.Uri.AbsoluteUri).Should().Equal(Status, Status, Requests);
        token.Should().NotContain(FalKey);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-token")]
    [InlineData("lmfop1.!!!")]
    public void A_bad_token_is_an_argument_error(string token)
    {
        var harness = new ServiceHarness();

        FluentActions.Invoking(() => harness.Client.ResumeOperation(token)).Should().Throw<ArgumentException>();
    }

    [Fact]
    public async Task A_completed_status_with_an_error_fails_with_the_id_and_token()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Queue, Submitted);
        harness.RespondSequence(HttpMethod.Get, Status, new Reply(Completed(""", "error": "CUDA out of memory", "error_type": "runner_server_error" """)));

        ImageOperation operation = await harness.Client.StartAsync(new OmniGenV1Request("x"));
        Task<ImageGenerationResult> wait = operation.WaitForCompletionAsync();
        await harness.Time.AdvanceToNextTimerAsync(TimeSpan.FromSeconds(5));

        LumenfallOperationFailedException error = (await FluentActions.Awaiting(() => wait).Should().ThrowAsync<LumenfallOperationFailedException>()).Which;
        error.Status.Should().Be(ImageOperationStatus.Failed);
        error.OperationId.Should().Be(Id);
        error.RehydrationToken.Should().Be(operation.RehydrationToken);
        error.ErrorCode.Should().Be("runner_server_error");
        error.Message.Should().Contain("CUDA out of memory");
        operation.Status.Should().Be(ImageOperationStatus.Failed);
        harness.To(Requests).Should().BeEmpty("a failed run has no result to fetch");
    }

    [Fact]
    public async Task A_result_refused_with_field_errors_fails_the_operation_keeping_the_errors()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Queue, Submitted);
        harness.RespondSequence(HttpMethod.Get, Status, new Reply(Completed()));
        harness.Respond(HttpMethod.Get, Requests, """
            { "detail": [ { "loc": ["body", "image_size", "width"], "msg": "ensure this value is less than or equal to 14142", "type": "value_error.number.not_le", "ctx": { "limit_value": 14142 } } ] }
            """, HttpStatusCode.UnprocessableEntity);

        Task<ImageGenerationResult> run = harness.Client.GenerateAsync(new OmniGenV1Request("x"));
        await harness.Time.AdvanceToNextTimerAsync(TimeSpan.FromSeconds(5));

        LumenfallOperationFailedException error = (await FluentActions.Awaiting(() => run).Should().ThrowAsync<LumenfallOperationFailedException>()).Which;
        error.OperationId.Should().Be(Id);
        error.RehydrationToken.Should().NotBeNullOrEmpty();
        LumenfallValidationException inner = error.InnerException.Should().BeOfType<LumenfallValidationException>().Subject;
        inner.Errors.Should().ContainSingle().Which.Should().Be(
            new ValidationError("image_size.width", "value_error.number.not_le", "ensure this value is less than or equal to 14142"));
    }

    [Fact]
    public async Task A_422_on_submit_becomes_a_validation_exception_with_every_field_error()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Queue, """
            { "detail": [ { "loc": ["body", "prompt"], "msg": "field required", "type": "value_error.missing" },
                          { "loc": ["body", "input_image_urls", 0], "msg": "invalid or missing URL scheme", "type": "value_error.url.scheme" } ] }
            """, HttpStatusCode.UnprocessableEntity, ("x-fal-request-id", "fal-req-422"));

        LumenfallValidationException error = (await FluentActions.Awaiting(() => harness.Client.GenerateAsync(new OmniGenV1Request("x")))
            .Should().ThrowAsync<LumenfallValidationException>()).Which;

        error.Errors.Select(e => (e.ParameterName, e.Rule)).Should().Equal(("prompt", "value_error.missing"), ("input_image_urls[0]", "value_error.url.scheme"));
        error.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        error.RequestId.Should().Be("fal-req-422");
    }

    [Theory]
    [InlineData(HttpStatusCode.GatewayTimeout, "request_timeout", typeof(LumenfallUpstreamException))]
    [InlineData(HttpStatusCode.ServiceUnavailable, "runner_scheduling_failure", typeof(LumenfallUpstreamException))]
    [InlineData(HttpStatusCode.BadRequest, "bad_request", typeof(LumenfallBadRequestException))]
    public async Task A_detail_with_error_type_becomes_a_typed_exception_with_that_type(HttpStatusCode status, string errorType, Type expected)
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Queue, $$"""{ "detail": "Request failed", "error_type": "{{errorType}}" }""", status, ("X-Fal-Error-Type", errorType));

        LumenfallException error = (await FluentActions.Awaiting(() => harness.Client.GenerateAsync(new OmniGenV1Request("x")))
            .Should().ThrowAsync<LumenfallException>()).Which;

        error.Should().BeOfType(expected);
        (error.ErrorType, error.ErrorCode).Should().Be((errorType, errorType));
        error.Message.Should().Contain("Request failed");
    }

    [Fact]
    public async Task A_poll_failure_carries_the_operation_id_and_token()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Queue, Submitted);
        harness.RespondSequence(HttpMethod.Get, Status, new Reply("""{ "detail": "Not authenticated" }""", HttpStatusCode.Unauthorized));

        Task<ImageGenerationResult> run = harness.Client.GenerateAsync(new OmniGenV1Request("x"));
        await harness.Time.AdvanceToNextTimerAsync(TimeSpan.FromSeconds(5));

        LumenfallAuthenticationException error = (await FluentActions.Awaiting(() => run).Should().ThrowAsync<LumenfallAuthenticationException>()).Which;
        error.OperationId.Should().Be(Id);
        harness.Client.ResumeOperation(error.RehydrationToken!).Id.Should().Be(Id);
    }

    [Fact]
    public async Task Cancelling_the_wait_leaves_the_job_running_and_hands_back_its_token()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Queue, Submitted);
        harness.RespondSequence(HttpMethod.Get, Status, new Reply(InQueue(1), HttpStatusCode.Accepted));
        using var cancel = new CancellationTokenSource();

        Task<ImageGenerationResult> run = harness.Client.GenerateAsync(new OmniGenV1Request("x"), cancellationToken: cancel.Token);
        await harness.Time.AdvanceToNextTimerAsync(TimeSpan.FromSeconds(5));
        await harness.Time.NextTimerAsync(d => d <= TimeSpan.FromSeconds(5));
        await cancel.CancelAsync();

        LumenfallWaitCanceledException error = (await FluentActions.Awaiting(() => run).Should().ThrowAsync<LumenfallWaitCanceledException>()).Which;
        error.OperationId.Should().Be(Id);
        error.RehydrationToken.Should().NotBeNullOrEmpty();
        harness.To(Cancel).Should().BeEmpty("the caller's token stops the waiting, never the remote job");
    }

    [Fact]
    public async Task Cancelling_an_operations_own_wait_also_hands_back_its_token()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Queue, Submitted);
        harness.RespondSequence(HttpMethod.Get, Status, new Reply(InQueue(1), HttpStatusCode.Accepted));
        using var cancel = new CancellationTokenSource();
        ImageOperation operation = await harness.Client.StartAsync(new OmniGenV1Request("x"));

        Task<ImageGenerationResult> wait = operation.WaitForCompletionAsync(cancel.Token);
        await harness.Time.NextTimerAsync(_ => true);
        await cancel.CancelAsync();

        LumenfallWaitCanceledException error = (await FluentActions.Awaiting(() => wait).Should().ThrowAsync<LumenfallWaitCanceledException>()).Which;
        error.OperationId.Should().Be(Id);
        error.RehydrationToken.Should().Be(operation.RehydrationToken);
        error.CancellationToken.Should().Be(cancel.Token);
        harness.To(Cancel).Should().BeEmpty();
    }

    [Fact]
    public async Task A_queued_job_that_outlives_the_operation_timeout_fails_with_its_token()
    {
        var harness = new ServiceHarness(o => o.Fal.Polling.OperationTimeout = TimeSpan.FromSeconds(3));
        harness.Respond(HttpMethod.Post, Queue, Submitted);
        harness.RespondSequence(HttpMethod.Get, Status, new Reply(InQueue(1), HttpStatusCode.Accepted));

        Task<ImageGenerationResult> run = harness.Client.GenerateAsync(new OmniGenV1Request("x"));
        for (int i = 0; i < 3; i++)
        {
            await harness.Time.AdvanceToNextTimerAsync(TimeSpan.FromSeconds(2));   // polls at 0.5 s and 1.5 s; the 2 s wait is cut at 3 s
        }

        LumenfallTimeoutException error = (await FluentActions.Awaiting(() => run).Should().ThrowAsync<LumenfallTimeoutException>()).Which;
        error.OperationId.Should().Be(Id);
        error.RehydrationToken.Should().NotBeNullOrEmpty();
        error.Message.Should().Contain("Resume it");
    }

    [Fact]
    public async Task Local_images_are_uploaded_to_fal_storage_before_the_submit()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, "https://rest.fal.ai/storage/upload/initiate",
            """{ "upload_url": "https://storage.fal.example/upload/abc?signature=xyz", "file_url": "https://v3.fal.media/files/abc/cat.png" }""");
        harness.Respond(HttpMethod.Put, "https://storage.fal.example/upload/abc", "{}");
        harness.Respond(HttpMethod.Post, Queue, Submitted);
        var request = new OmniGenV1Request("the cat from <img><|image_1|></img> in space")
        {
            Images = [ImageInput.FromBytes(TestImages.Png, fileName: "cat.png"), ImageInput.FromUrl("https://example.com/hat.jpg")],
        };

        await harness.Client.StartAsync(request);

        harness.Requests.Select(r => (r.Method.Method, r.Uri.GetLeftPart(UriPartial.Path))).Should().Equal(
            ("POST", "https://rest.fal.ai/storage/upload/initiate"),
            ("PUT", "https://storage.fal.example/upload/abc"),
            ("POST", Queue));
        CapturedRequest initiate = harness.Requests[0];
        initiate.Uri.Query.Should().Be("?storage_type=fal-cdn-v3");
        initiate.Authorization.Should().Be("Key " + FalKey);
        initiate.Json.ToJsonString().Should().Be("""{"content_type":"image/png","file_name":"cat.png"}""");
        CapturedRequest put = harness.Requests[1];
        put.Authorization.Should().BeNull("the presigned upload URL is not a fal API host");
        put.ContentType.Should().Be("image/png");
        put.Body.Should().Equal(TestImages.Png);
        harness.Requests[2].Json["input_image_urls"]!.ToJsonString().Should().Be("""["https://v3.fal.media/files/abc/cat.png","https://example.com/hat.jpg"]""");
        request.Images[0].Kind.Should().Be(ImageInputKind.Bytes, "the caller's request is not changed");
    }

    [Fact]
    public async Task Local_images_can_be_inlined_as_data_uris_instead()
    {
        var harness = new ServiceHarness(o => o.Fal.LocalImages = FalLocalImages.InlineDataUri);
        harness.Respond(HttpMethod.Post, Queue, Submitted);

        await harness.Client.StartAsync(new OmniGenV1Request("x") { Images = [ImageInput.FromBytes(TestImages.Png)] });

        harness.Requests.Single().Json["input_image_urls"]![0]!.GetValue<string>().Should().Be("data:image/png;base64," + TestImages.PngBase64);
    }

    [Fact]
    public async Task A_custom_uploader_replaces_fal_storage()
    {
        var uploader = new RecordingUploader();
        var harness = new ServiceHarness(o => o.Fal.Uploader = uploader);
        harness.Respond(HttpMethod.Post, Queue, Submitted);

        await harness.Client.StartAsync(new OmniGenV1Request("x") { Images = [ImageInput.FromBytes(TestImages.Jpeg, fileName: "me")] });

        uploader.Uploads.Should().ContainSingle().Which.Should().Be(("image/jpeg", "me.jpg", TestImages.Jpeg.Length));
        harness.Requests.Single().Json["input_image_urls"]![0]!.GetValue<string>().Should().Be("https://cdn.example.com/me.jpg");
    }

    [Fact]
    public async Task The_status_stream_drives_the_wait_when_chosen()
    {
        var harness = new ServiceHarness(o => o.Fal.UseStatusStream = true);
        harness.Respond(HttpMethod.Post, Queue, Submitted);
        harness.Mock.When(HttpMethod.Get, Status + "/stream").Respond(async request =>
        {
            harness.Requests.Add(await CapturedRequest.FromAsync(request));
            string events = string.Join("\n\n", InProgress("Preprocessing"), InProgress("Running"), Completed()).Replace("{ \"status\"", "data: { \"status\"", StringComparison.Ordinal);
            var content = new StringContent(": ping\n\n" + events + "\n\n", Encoding.UTF8, "text/event-stream");
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
        });
        harness.Respond(HttpMethod.Get, Requests, Output);
        var updates = new List<OperationUpdate>();

        ImageOperation operation = await harness.Client.StartAsync(new OmniGenV1Request("x"));
        await operation.WaitForCompletionAsync(new Progress(updates));

        updates.Select(u => u.Status).Should().Equal(ImageOperationStatus.InProgress, ImageOperationStatus.InProgress, ImageOperationStatus.Succeeded);
        operation.Logs.Select(l => l.Message).Should().Equal("Preprocessing", "Running");
        harness.To(Status).Should().BeEmpty("no polling was needed");
        harness.To(Status + "/stream").Single().Headers["Accept"].Should().Be("text/event-stream");
    }

    [Fact]
    public async Task When_the_status_stream_drops_polling_takes_over()
    {
        var harness = new ServiceHarness(o => o.Fal.UseStatusStream = true);
        harness.Respond(HttpMethod.Post, Queue, Submitted);
        harness.Mock.When(HttpMethod.Get, Status + "/stream").Respond(_ =>
            new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("data: " + InProgress("started") + "\n\ndata: {\"status\": \"IN_PROG", Encoding.UTF8, "text/event-stream") });
        harness.RespondSequence(HttpMethod.Get, Status, new Reply(Completed()));
        harness.Respond(HttpMethod.Get, Requests, Output);

        ImageOperation operation = await harness.Client.StartAsync(new OmniGenV1Request("x"));
        Task<ImageGenerationResult> wait = operation.WaitForCompletionAsync();
        await harness.Time.AdvanceToNextTimerAsync(TimeSpan.FromSeconds(5));
        ImageGenerationResult result = await wait;

        result.RequestId.Should().Be(Id);
        harness.To(Status).Should().ContainSingle();
        operation.Logs.Select(l => l.Message).Should().Equal("started");
    }

    [Fact]
    public async Task Watch_streams_updates_and_leaves_the_result_for_the_wait()
    {
        var harness = QueueHarness();
        ImageOperation operation = await harness.Client.StartAsync(new OmniGenV1Request("x"));
        var statuses = new List<ImageOperationStatus>();

        Task watching = Task.Run(async () =>
        {
            await foreach (OperationUpdate update in operation.WatchAsync())
            {
                statuses.Add(update.Status);
            }
        });
        for (int poll = 0; poll < 4; poll++)
        {
            await harness.Time.AdvanceToNextTimerAsync(TimeSpan.FromSeconds(5));
        }

        await watching;
        ImageGenerationResult result = await operation.WaitForCompletionAsync();

        statuses.Should().Equal(ImageOperationStatus.Queued, ImageOperationStatus.InProgress, ImageOperationStatus.InProgress, ImageOperationStatus.Succeeded);
        result.Images.Should().ContainSingle();
        harness.To(Status).Should().HaveCount(4, "the wait after the watch needs no more polls");
    }

    private sealed class Progress(List<OperationUpdate> updates) : IProgress<OperationUpdate>
    {
        public void Report(OperationUpdate value) => updates.Add(value);
    }

    private sealed class RecordingUploader : IFalFileUploader
    {
        public List<(string ContentType, string FileName, int Length)> Uploads { get; } = [];

        public async Task<Uri> UploadAsync(Stream content, string contentType, string fileName, CancellationToken cancellationToken)
        {
            using var buffer = new MemoryStream();
            await content.CopyToAsync(buffer, cancellationToken);
            Uploads.Add((contentType, fileName, (int)buffer.Length));
            return new Uri("https://cdn.example.com/" + fileName);
        }
    }
}
