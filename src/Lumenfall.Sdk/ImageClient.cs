using System.Text.Json;
using Lumenfall.Sdk.Http;
using Lumenfall.Sdk.Transports;
using Lumenfall.Sdk.Transports.Fal;
using Lumenfall.Sdk.Transports.Lumenfall;
using Lumenfall.Sdk.Transports.OmniRouters;

namespace Lumenfall.Sdk;

/// <summary>
/// One client for every model the SDK knows. Give it a typed request record (for example
/// <see cref="Flux2DevGenerationRequest"/>); it validates the request, sends it to the model's service, and
/// returns the images. Thread-safe; create one and reuse it.
/// </summary>
public class ImageClient
{
    private readonly Dictionary<ImageService, IImageTransport> _transports;

    /// <summary>Creates a client with the given settings, over the SDK's shared connection pool.</summary>
    /// <param name="options">Keys, endpoints, timeouts and the clock.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public ImageClient(ImageClientOptions options)
        : this(options, HttpStack.SharedHandler)
    {
    }

    /// <summary>
    /// Creates a client whose requests end in <paramref name="handler"/> (for example a test handler, or a
    /// <see cref="SocketsHttpHandler"/> with a proxy). The SDK adds its own handlers on top: the API key is
    /// attached only for each service's own hosts. The handler is not disposed by the client.
    /// </summary>
    /// <param name="options">Keys, endpoints, timeouts and the clock.</param>
    /// <param name="handler">The innermost handler.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="handler"/> is null.</exception>
    public ImageClient(ImageClientOptions options, HttpMessageHandler handler)
        : this(options, CreateTransports(options, handler))
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
    /// <exception cref="LumenfallTimeoutException">The generation timeout ran out; the image may still be produced and billed.</exception>
    /// <exception cref="LumenfallException">The service refused or failed the request (see the subclasses).</exception>
    public virtual Task<ImageGenerationResult> GenerateAsync(ImageRequest request, CancellationToken cancellationToken = default)
    {
        IImageTransport transport = Prepare(request);
        return transport.GenerateAsync(request, cancellationToken);
    }

    /// <summary>
    /// Starts a generation and returns an <see cref="ImageOperation"/> without waiting for the images. For a
    /// synchronous service (Lumenfall) the operation is already complete when it is returned.
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

    /// <summary>
    /// Rebuilds an operation from its <see cref="ImageOperation.RehydrationToken"/>, in this process or another one,
    /// without any I/O: its status is <see cref="ImageOperationStatus.Unknown"/> until the first update.
    /// </summary>
    /// <param name="rehydrationToken">A token from <see cref="ImageOperation.RehydrationToken"/> or an exception's <see cref="LumenfallException.RehydrationToken"/>.</param>
    /// <returns>The operation, ready to update, wait for, watch or cancel.</returns>
    /// <exception cref="ArgumentException">The text is not a rehydration token of this SDK.</exception>
    /// <exception cref="NotSupportedException">This client has no transport for the token's service.</exception>
    public virtual ImageOperation ResumeOperation(string rehydrationToken)
    {
        OperationState state = OperationState.FromToken(rehydrationToken);
        return _transports.TryGetValue(state.Service, out IImageTransport? transport) && transport is IOperationProtocol protocol
            ? new PolledImageOperation(protocol, state, Options.TimeProvider, UsesStatusStream(state.Service), initial: null)
            : throw new NotSupportedException($"This client cannot follow {state.Service} operations.");
    }

    /// <summary>Lists the models the Lumenfall gateway offers (<c>GET /models</c>).</summary>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>The models, with every field the gateway sends.</returns>
    /// <exception cref="LumenfallException">The gateway refused or failed the call.</exception>
    public virtual Task<IReadOnlyList<ServiceModel>> ListModelsAsync(CancellationToken cancellationToken = default) =>
        Lumenfall.ListModelsAsync(cancellationToken);

    /// <summary>Gets one model from the Lumenfall gateway (<c>GET /models/{id}</c>).</summary>
    /// <param name="modelId">For example <c>gpt-image-2</c>.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentException"><paramref name="modelId"/> is empty.</exception>
    /// <exception cref="LumenfallNotFoundException">The model does not exist or is disabled.</exception>
    public virtual Task<ServiceModel> GetModelAsync(string modelId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        return Lumenfall.GetModelAsync(modelId, cancellationToken);
    }

    /// <summary>
    /// Gets a model's compiled parameter schema from the Lumenfall gateway (<c>GET /models/{id}?schema=true</c>).
    /// Its shape is not documented, so it is returned as JSON, untouched.
    /// </summary>
    /// <param name="modelId">For example <c>omnigen-v2</c>.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>The schema document; the caller disposes it.</returns>
    /// <exception cref="ArgumentException"><paramref name="modelId"/> is empty.</exception>
    /// <exception cref="LumenfallNotFoundException">The model does not exist or is disabled.</exception>
    public virtual Task<JsonDocument> GetModelSchemaAsync(string modelId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        return Lumenfall.GetModelSchemaAsync(modelId, cancellationToken);
    }

    /// <summary>
    /// Asks the Lumenfall gateway what <paramref name="request"/> would cost (<c>?dryRun=true</c>): nothing is
    /// generated or billed. The request is validated first, as for <see cref="GenerateAsync"/>.
    /// </summary>
    /// <param name="request">A Lumenfall request record.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>The estimate.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is null.</exception>
    /// <exception cref="LumenfallValidationException">The request breaks a rule of its model; nothing was sent.</exception>
    public virtual Task<CostEstimate> EstimateCostAsync(LumenfallImageRequest request, CancellationToken cancellationToken = default)
    {
        Prepare(request);
        return Lumenfall.EstimateCostAsync(request, cancellationToken);
    }

    private bool UsesStatusStream(ImageService service) => service == ImageService.Fal && Options.Fal.UseStatusStream;

    private LumenfallTransport Lumenfall =>
        _transports.TryGetValue(ImageService.Lumenfall, out IImageTransport? transport) && transport is LumenfallTransport lumenfall
            ? lumenfall
            : throw new NotSupportedException("This client has no Lumenfall transport.");

    private static List<IImageTransport> CreateTransports(ImageClientOptions options, HttpMessageHandler handler)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handler);
        var downloader = new ImageDownloader(HttpStack.CreateDownloadClient(handler), options.TimeProvider, options.DownloadTimeout, options.MaxResponseBytes);
        ServiceChannel Channel(ImageService service) =>
            new(service, HttpStack.CreateServiceClient(service, options.For(service), handler), options.For(service), options.TimeProvider)
            {
                MaxResponseBytes = options.MaxResponseBytes,
            };

        return
        [
            new LumenfallTransport(Channel(ImageService.Lumenfall), downloader),
            new FalTransport(Channel(ImageService.Fal), options.Fal, downloader),
            new OmniRoutersTransport(Channel(ImageService.OmniRouters), options.OmniRouters, downloader),
        ];
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
