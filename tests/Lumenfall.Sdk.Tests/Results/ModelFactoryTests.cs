using System.Net;

namespace Lumenfall.Sdk.Tests.Results;

/// <summary>What <see cref="LumenfallModelFactory"/> builds behaves like what the SDK returns and throws.</summary>
public class ModelFactoryTests
{
    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests, null, typeof(LumenfallRateLimitException))]
    [InlineData(HttpStatusCode.NotFound, "MODEL_NOT_FOUND", typeof(LumenfallNotFoundException))]
    [InlineData(HttpStatusCode.BadRequest, "content_policy_violation", typeof(LumenfallContentPolicyException))]
    [InlineData(HttpStatusCode.Unauthorized, null, typeof(LumenfallAuthenticationException))]
    [InlineData(HttpStatusCode.BadGateway, null, typeof(LumenfallUpstreamException))]
    public void A_service_exception_is_the_subtype_the_sdk_would_throw(HttpStatusCode status, string? code, Type expected)
    {
        LumenfallException error = LumenfallModelFactory.ServiceException(status, code, "nope", requestId: "req_9", retryAfter: TimeSpan.FromSeconds(3), operationId: "op_1", rehydrationToken: "tok");

        error.Should().BeOfType(expected);
        (error.StatusCode, error.ErrorCode, error.RequestId, error.RetryAfter, error.OperationId, error.RehydrationToken)
            .Should().Be((status, code, "req_9", TimeSpan.FromSeconds(3), "op_1", "tok"));
    }

    [Fact]
    public void A_bad_request_carries_the_parameter_the_error_type_and_the_raw_body()
    {
        const string body = """{"error":{"message":"size is not supported","type":"invalid_request_error","param":"size"}}""";

        LumenfallException error = LumenfallModelFactory.ServiceException(
            HttpStatusCode.BadRequest, message: "size is not supported", errorType: "invalid_request_error", parameterName: "size", rawBody: body);

        LumenfallBadRequestException bad = error.Should().BeOfType<LumenfallBadRequestException>().Which;
        (bad.ParameterName, bad.ErrorType, bad.RawBody).Should().Be(("size", "invalid_request_error", body));
    }

    [Fact]
    public async Task A_pending_operation_with_a_result_finishes_with_it_and_without_one_times_out_with_its_token()
    {
        ImageGenerationResult result = LumenfallModelFactory.ImageGenerationResult("fal-ai/omnigen-v1", ImageService.Fal);

        ImageOperation finishing = LumenfallModelFactory.ImageOperation(ImageOperationStatus.Queued, result, queuePosition: 2);
        ImageOperation stuck = LumenfallModelFactory.ImageOperation(ImageOperationStatus.InProgress, id: "op_stuck");

        finishing.QueuePosition.Should().Be(2);
        (await finishing.WaitForCompletionAsync()).Should().BeSameAs(result);
        finishing.Status.Should().Be(ImageOperationStatus.Succeeded);
        LumenfallTimeoutException timeout = (await FluentActions.Awaiting(() => stuck.WaitForCompletionAsync()).Should().ThrowAsync<LumenfallTimeoutException>()).Which;
        (timeout.OperationId, timeout.RehydrationToken).Should().Be(("op_stuck", "lmfop1.test-op_stuck"));
    }

    [Theory]
    [InlineData(ImageOperationStatus.Failed)]
    [InlineData(ImageOperationStatus.Canceled)]
    public async Task A_finished_unsuccessful_operation_throws_operation_failed(ImageOperationStatus status)
    {
        ImageOperation operation = LumenfallModelFactory.ImageOperation(status, id: "op_x");

        LumenfallOperationFailedException error = (await FluentActions.Awaiting(() => operation.WaitForCompletionAsync()).Should().ThrowAsync<LumenfallOperationFailedException>()).Which;

        (error.Status, error.OperationId).Should().Be((status, "op_x"));
        (await operation.CancelAsync()).Should().Be(CancelOutcome.AlreadyCompleted);
    }

    [Fact]
    public async Task Cancelling_reports_what_the_service_would()
    {
        (await LumenfallModelFactory.ImageOperation(ImageOperationStatus.Queued).CancelAsync()).Should().Be(CancelOutcome.Canceled);
        (await LumenfallModelFactory.ImageOperation(ImageOperationStatus.InProgress).CancelAsync()).Should().Be(CancelOutcome.CancellationRequested);
    }

    [Fact]
    public void Results_images_and_responses_are_built_with_what_tests_set()
    {
        ImageGenerationResult result = LumenfallModelFactory.ImageGenerationResult(
            images: [LumenfallModelFactory.GeneratedImage(data: new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, width: 8)],
            response: LumenfallModelFactory.ResponseInfo(HttpStatusCode.OK, new Dictionary<string, string> { ["X-Test"] = "1" }, "req_r"),
            metrics: new Dictionary<string, double> { ["inference_time"] = 1.5 });

        (result.Images.Single().MediaType, result.Images.Single().Width).Should().Be(("image/png", 8));
        (result.Response!.Header("x-test"), result.Response.RequestId, result.Metrics!["inference_time"]).Should().Be(("1", "req_r", 1.5));
        LumenfallModelFactory.OperationUpdate(ImageOperationStatus.InProgress).RawStatus.Should().Be("InProgress");
    }
}
