namespace Lumenfall.Sdk.Transports;

/// <summary>Speaks one service's wire protocol. <see cref="ImageClient"/> picks the transport by the request's service.</summary>
internal interface IImageTransport
{
    /// <summary>Gets the service this transport speaks to.</summary>
    ImageService Service { get; }

    /// <summary>Runs a request to completion.</summary>
    Task<ImageGenerationResult> GenerateAsync(ImageRequest request, CancellationToken cancellationToken);

    /// <summary>Starts a request and returns without waiting for its images.</summary>
    Task<ImageOperation> StartAsync(ImageRequest request, CancellationToken cancellationToken);
}
