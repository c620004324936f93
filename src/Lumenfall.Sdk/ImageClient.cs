using Lumenfall.Sdk.Transports;

namespace Lumenfall.Sdk;

/// <summary>
/// One client for every model the SDK knows. Give it a typed request record (for example
/// <see cref="Flux2DevGenerationRequest"/>); it validates the request, sends it to the model's service, and
/// returns the images. Thread-safe; create one and reuse it.
/// </summary>
public class ImageClient
{
    private readonly Dictionary<ImageService, IImageTransport> _transports;

    /// <summary>Creates a client with the given settings.</summary>
    /// <param name="options">Keys, endpoints and the clock.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public ImageClient(ImageClientOptions options)
        : this(options, [])
    {
    }

    /// <summary>Creates a client over explicit transports (tests and the DI container use this).</summary>
    internal ImageClient(ImageClientOptions options, IEnumerable<IImageTransport> transports)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(transports);
        Options = options;
        _transports = transports.ToDictionary(t => t.Service);
    }

    /// <summary>Creates a client for mocking.</summary>
    protected ImageClient()
    {
        Options = new ImageClientOptions();
        _transports = [];
    }

    /// <summary>Gets the client's settings.</summary>
    public virtual ImageClientOptions Options { get; }

    /// <summary>
    /// Generates or edits images and waits for them: validates <paramref name="request"/>, sends it to its
    /// model's service, and for a queued service waits for the operation to finish.
    /// </summary>
    /// <param name="request">A typed request record.</param>
    /// <param name="cancellationToken">Stops the waiting. A job already accepted by a queue keeps running (see <see cref="StartAsync"/>).</param>
    /// <returns>The images and what the service said about them.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is null.</exception>
    /// <exception cref="LumenfallValidationException">The request breaks a rule of its model; nothing was sent.</exception>
    /// <exception cref="LumenfallException">The service refused or failed the request.</exception>
    public virtual Task<ImageGenerationResult> GenerateAsync(ImageRequest request, CancellationToken cancellationToken = default)
    {
        IImageTransport transport = Prepare(request);
        return transport.GenerateAsync(request, cancellationToken);
    }

    /// <summary>
    /// Starts a generation and returns an <see cref="ImageOperation"/> without waiting for the images. For a
    /// synchronous service the operation is already complete when it is returned.
    /// </summary>
    /// <param name="request">A typed request record.</param>
    /// <param name="cancellationToken">Stops the submission.</param>
    /// <returns>The running operation.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is null.</exception>
    /// <exception cref="LumenfallValidationException">The request breaks a rule of its model; nothing was sent.</exception>
    /// <exception cref="LumenfallException">The service refused the request.</exception>
    public virtual Task<ImageOperation> StartAsync(ImageRequest request, CancellationToken cancellationToken = default)
    {
        IImageTransport transport = Prepare(request);
        return transport.StartAsync(request, cancellationToken);
    }

    private IImageTransport Prepare(ImageRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        return _transports.TryGetValue(request.Service, out IImageTransport? transport)
            ? transport
            : throw new NotSupportedException($"No transport for {request.Service} is registered in this client, so {request.ModelId} cannot be sent.");
    }
}
