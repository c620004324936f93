namespace Lumenfall.Sdk;

/// <summary>The outcome of a finished generation or edit, normalized across services.</summary>
public sealed class ImageGenerationResult
{
    /// <summary>Creates a result.</summary>
    /// <param name="modelId">The model the request was for.</param>
    /// <param name="service">The service that ran it.</param>
    /// <param name="images">The images produced.</param>
    /// <param name="requestId">The service's id for the request or operation.</param>
    public ImageGenerationResult(string modelId, ImageService service, IReadOnlyList<GeneratedImage> images, string? requestId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelId);
        ArgumentNullException.ThrowIfNull(images);
        ModelId = modelId;
        Service = service;
        Images = images;
        RequestId = requestId;
    }

    /// <summary>Gets the model the request was for.</summary>
    public string ModelId { get; }

    /// <summary>Gets the service that ran the request.</summary>
    public ImageService Service { get; }

    /// <summary>Gets the images produced, in the service's order.</summary>
    public IReadOnlyList<GeneratedImage> Images { get; }

    /// <summary>Gets the service's id for the request or operation, when it sent one.</summary>
    public string? RequestId { get; }
}
