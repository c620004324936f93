namespace Lumenfall.Sdk.Transports;

/// <summary>Speaks one service's wire protocol. <see cref="ImageClient"/> picks the transport by the request's service.</summary>
internal interface IImageTransport
{
    /// <summary>Gets the service this transport speaks to.</summary>
    ImageService Service { get; }

    /// <summary>Runs a request to completion; <paramref name="options"/> (checked, or null) apply to every request of the call.</summary>
    Task<ImageGenerationResult> GenerateAsync(ImageRequest request, RequestOptions? options, CancellationToken cancellationToken);

    /// <summary>Starts a request and returns without waiting for its images; the operation keeps <paramref name="options"/> for its own requests.</summary>
    Task<ImageOperation> StartAsync(ImageRequest request, RequestOptions? options, CancellationToken cancellationToken);
}
