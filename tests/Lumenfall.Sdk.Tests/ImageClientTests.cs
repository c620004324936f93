using Lumenfall.Sdk.Transports;

namespace Lumenfall.Sdk.Tests;

public class ImageClientTests
{
    [Fact]
    public async Task Generate_dispatches_each_record_to_its_services_transport()
    {
        var lumenfall = new RecordingTransport(ImageService.Lumenfall);
        var fal = new RecordingTransport(ImageService.Fal);
        var omniRouters = new RecordingTransport(ImageService.OmniRouters);
        var client = new ImageClient(new LumenfallOptions(), [lumenfall, fal, omniRouters]);

        ImageGenerationResult flux = await client.GenerateAsync(new Flux2DevGenerationRequest("x"));
        ImageGenerationResult omnigen = await client.GenerateAsync(new OmniGenV1Request("x"));
        ImageGenerationResult omniImage = await client.GenerateAsync(new OmniImageRequest(OmniImageModel.Seedream45, "x"));

        lumenfall.Generated.Should().ContainSingle().Which.Should().BeOfType<Flux2DevGenerationRequest>();
        fal.Generated.Should().ContainSingle().Which.Should().BeOfType<OmniGenV1Request>();
        omniRouters.Generated.Should().ContainSingle().Which.Should().BeOfType<OmniImageRequest>();
        (flux.Service, omnigen.Service, omniImage.Service).Should().Be((ImageService.Lumenfall, ImageService.Fal, ImageService.OmniRouters));
        flux.ModelId.Should().Be("flux.2-dev");
    }

    [Fact]
    public async Task Start_dispatches_to_the_transport_and_returns_its_operation()
    {
        var fal = new RecordingTransport(ImageService.Fal);
        var client = new ImageClient(new LumenfallOptions(), [fal]);

        ImageOperation operation = await client.StartAsync(new OmniGenV1Request("x"));

        fal.Started.Should().ContainSingle();
        operation.ModelId.Should().Be("fal-ai/omnigen-v1");
        operation.Service.Should().Be(ImageService.Fal);
    }

    [Fact]
    public async Task Invalid_requests_never_reach_a_transport()
    {
        var lumenfall = new RecordingTransport(ImageService.Lumenfall);
        var client = new ImageClient(new LumenfallOptions(), [lumenfall]);
        var tooMany = new OmniGenV2EditRequest("x", Enumerable.Range(0, 4).Select(_ => ImageInput.FromUrl("https://example.com/a.png")).ToList());

        await FluentActions.Awaiting(() => client.GenerateAsync(tooMany)).Should().ThrowAsync<LumenfallValidationException>()
            .Where(e => e.ParameterName == "image" && e.Rule == ValidationRule.MaxItems);
        await FluentActions.Awaiting(() => client.StartAsync(new GptImage2GenerationRequest("x") { ImageCount = 5 }))
            .Should().ThrowAsync<LumenfallValidationException>();

        lumenfall.Generated.Should().BeEmpty();
        lumenfall.Started.Should().BeEmpty();
    }

    [Fact]
    public async Task A_null_request_is_an_argument_error()
    {
        var client = new ImageClient(new LumenfallOptions(), []);

        await FluentActions.Awaiting(() => client.GenerateAsync(null!)).Should().ThrowAsync<ArgumentNullException>().WithParameterName("request");
    }

    [Fact]
    public async Task A_service_without_a_transport_is_named_in_the_error()
    {
        var client = new ImageClient(new LumenfallOptions(), [new RecordingTransport(ImageService.Fal)]);

        await FluentActions.Awaiting(() => client.GenerateAsync(new Flux2DevGenerationRequest("x")))
            .Should().ThrowAsync<NotSupportedException>().WithMessage("*Lumenfall*flux.2-dev*");
    }

    [Fact]
    public void Options_never_print_a_key()
    {
        var options = new LumenfallOptions();
        options.Gateway.ApiKey = "lmnfl_secret.value";

        options.Gateway.ToString().Should().NotContain("secret").And.Contain("***");
    }

    private sealed class RecordingTransport(ImageService service) : IImageTransport
    {
        public List<ImageRequest> Generated { get; } = [];

        public List<ImageRequest> Started { get; } = [];

        public ImageService Service => service;

        public Task<ImageGenerationResult> GenerateAsync(ImageRequest request, RequestOptions? options, CancellationToken cancellationToken)
        {
            Generated.Add(request);
            return Task.FromResult(new ImageGenerationResult(request.ModelId, service, []));
        }

        public Task<ImageOperation> StartAsync(ImageRequest request, RequestOptions? options, CancellationToken cancellationToken)
        {
            Started.Add(request);
            return Task.FromResult<ImageOperation>(new DoneOperation(request, service));
        }
    }

    private sealed class DoneOperation(ImageRequest request, ImageService service) : ImageOperation
    {
        public override string Id => "op-1";

        public override string ModelId => request.ModelId;

        public override ImageService Service => service;

        public override ImageOperationStatus Status => ImageOperationStatus.Succeeded;

        public override ImageGenerationResult? Value => new(request.ModelId, service, []);

        public override Task<ImageOperationStatus> UpdateStatusAsync(CancellationToken cancellationToken = default) => Task.FromResult(Status);

        public override Task<ImageGenerationResult> WaitForCompletionAsync(IProgress<OperationUpdate>? progress = null, CancellationToken cancellationToken = default) => Task.FromResult(Value!);
    }
}
