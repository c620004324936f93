namespace Lumenfall.Sdk;

/// <summary>The operation of a synchronous call: it finished before it was returned.</summary>
internal sealed class CompletedImageOperation(ImageGenerationResult result) : ImageOperation
{
    public override string Id => result.RequestId ?? result.ClientRequestId ?? string.Empty;

    public override string ModelId => result.ModelId;

    public override ImageService Service => result.Service;

    public override ImageOperationStatus Status => ImageOperationStatus.Succeeded;

    public override ImageGenerationResult? Value => result;

    public override Task<ImageOperationStatus> UpdateStatusAsync(CancellationToken cancellationToken = default) => Task.FromResult(Status);

    public override Task<ImageGenerationResult> WaitForCompletionAsync(IProgress<OperationUpdate>? progress = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(result);
}
