using System.Diagnostics;
using System.Text.Json;
using Lumenfall.Sdk.Diagnostics;
using Lumenfall.Sdk.Http;
using Lumenfall.Sdk.Transports;
using Lumenfall.Sdk.Transports.Fal;
using Lumenfall.Sdk.Transports.Lumenfall;
using Lumenfall.Sdk.Transports.OmniRouters;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lumenfall.Sdk;

/// <summary>
/// One client for every model the SDK knows. Give it a typed request record (for example
/// <see cref="Flux2DevGenerationRequest"/>); it validates the request, sends it to the model's service, and
/// returns the images. Thread-safe; create one and reuse it (under a host it is a singleton that follows
/// configuration reloads: each call uses the options current when it starts).
/// </summary>
public partial class ImageClient
{
    private readonly Func<Core> _current;
    private readonly ILogger _logger;

    /// <summary>Creates a client with the given settings, over the SDK's shared connection pool.</summary>
    /// <param name="options">Keys, endpoints, timeouts, retries and the clock.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">The options are not usable (see <see cref="LumenfallOptions.Validate"/>); the message names each setting.</exception>
    public ImageClient(LumenfallOptions options)
        : this(options, HttpStack.SharedHandler)
    {
    }

    /// <summary>
    /// Creates a client whose requests end in <paramref name="handler"/> (for example a test handler, or a
    /// <see cref="SocketsHttpHandler"/> with a proxy; it should not follow redirects itself). The SDK's handlers run on
    /// top: redirects, the API key only for each service's own hosts, and retries. The handler is not disposed.
    /// </summary>
    /// <param name="options">Keys, endpoints, timeouts, retries and the clock.</param>
    /// <param name="handler">The innermost handler.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="handler"/> is null.</exception>
    /// <exception cref="ArgumentException">The options are not usable; the message names each setting.</exception>
    public ImageClient(LumenfallOptions options, HttpMessageHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        LumenfallOptions frozen = Snapshot(options);
        var core = new Core(frozen, CreateTransports(frozen, ClientsOver(handler, frozen.TimeProvider)));
        _current = () => core;
        _logger = NullLogger.Instance;
    }

    /// <summary>
    /// Creates a client that follows <paramref name="options"/> (the DI container's frozen snapshots): each call uses
    /// the snapshot current when it starts, over HTTP clients given per service (null: downloads).
    /// </summary>
    internal ImageClient(Func<LumenfallOptions> options, Func<ImageService?, HttpClient> clients, ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clients);
        var following = new Following(options, frozen => new Core(frozen, CreateTransports(frozen, clients)));
        _current = following.Current;
        _logger = loggerFactory?.CreateLogger("Lumenfall.Sdk") ?? NullLogger.Instance;
    }

    /// <summary>Creates a client over explicit transports (tests use this).</summary>
    internal ImageClient(LumenfallOptions options, IEnumerable<IImageTransport> transports, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(transports);
        var core = new Core(options.IsReadOnly ? options : Snapshot(options), transports.ToDictionary(t => t.Service));
        _current = () => core;
        _logger = loggerFactory?.CreateLogger("Lumenfall.Sdk") ?? NullLogger.Instance;
    }

    /// <summary>Creates a client for mocking.</summary>
    protected ImageClient()
    {
        var core = new Core(new LumenfallOptions().Freeze(), []);
        _current = () => core;
        _logger = NullLogger.Instance;
    }

    /// <summary>
    /// Gets the client's settings: a validated, read-only copy (<see cref="LumenfallOptions.IsReadOnly"/> is true and a
    /// setter throws <see cref="InvalidOperationException"/>, as a <c>JsonSerializerOptions</c> in use does).
    /// Changing the options a client was built from does not change it. A client from <c>AddLumenfall()</c> returns the
    /// registration's current snapshot: after a configuration reload, the new one (each call keeps the one it started with).
    /// </summary>
    public virtual LumenfallOptions Options => _current().Options;

    /// <summary>
    /// Creates a client from environment variables: <c>LUMENFALL_API_KEY</c>, <c>FAL_KEY</c>, <c>OMNIROUTERS_API_KEY</c>
    /// and the base-URL overrides <c>LUMENFALL_BASE_URL</c>, <c>FAL_RUN_BASE_URL</c>, <c>FAL_QUEUE_BASE_URL</c>,
    /// <c>OMNIROUTERS_BASE_URL</c>. The same HTTP stack as every other client.
    /// </summary>
    /// <param name="configure">Adjusts the options after the environment was read.</param>
    /// <returns>The client.</returns>
    /// <exception cref="ArgumentException">A variable or the resulting options are not usable; the message names it.</exception>
    public static ImageClient FromEnvironment(Action<LumenfallOptions>? configure = null)
    {
        LumenfallOptions options = LumenfallOptions.FromEnvironment();
        configure?.Invoke(options);
        return new ImageClient(options);
    }

    /// <summary>
    /// Generates or edits images and waits for them: validates <paramref name="request"/>, sends it to its
    /// model's service, and for a queued service waits for the operation to finish.
    /// </summary>
    /// <param name="request">A typed request record.</param>
    /// <param name="options">Settings for this call (headers, timeout, retries, validation); null uses the client's.</param>
    /// <param name="cancellationToken">Stops the waiting. A job already accepted by a queue keeps running (see <see cref="StartAsync"/>).</param>
    /// <returns>The images and what the service said about them.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is null.</exception>
    /// <exception cref="LumenfallValidationException">The request or <paramref name="options"/> break a rule; nothing was sent.</exception>
    /// <exception cref="LumenfallTimeoutException">The generation timeout ran out; the image may still be produced and billed.</exception>
    /// <exception cref="LumenfallWaitCanceledException">The caller canceled the wait for a queued job; it carries the job's token.</exception>
    /// <exception cref="LumenfallException">The service refused or failed the request (see the subclasses).</exception>
    public virtual Task<ImageGenerationResult> GenerateAsync(ImageRequest request, RequestOptions? options = null, CancellationToken cancellationToken = default) =>
        TraceAsync("generate", request, options, (transport, call) => transport.GenerateAsync(request, call, cancellationToken), r => r);

    /// <summary>
    /// Starts a generation and returns an <see cref="ImageOperation"/> without waiting for the images. For a
    /// synchronous service (Lumenfall) the operation is already complete when it is returned.
    /// </summary>
    /// <param name="request">A typed request record.</param>
    /// <param name="options">Settings for this call, kept by the operation for its own requests; null uses the client's.</param>
    /// <param name="cancellationToken">Stops the submission.</param>
    /// <returns>The running operation.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is null.</exception>
    /// <exception cref="LumenfallValidationException">The request or <paramref name="options"/> break a rule; nothing was sent.</exception>
    /// <exception cref="LumenfallException">The service refused the request.</exception>
    public virtual Task<ImageOperation> StartAsync(ImageRequest request, RequestOptions? options = null, CancellationToken cancellationToken = default) =>
        TraceAsync("start", request, options, (transport, call) => transport.StartAsync(request, call, cancellationToken), o => o.Value);

    /// <summary>
    /// Rebuilds an operation from its <see cref="ImageOperation.RehydrationToken"/>, in this process or another one,
    /// without any I/O: its status is <see cref="ImageOperationStatus.Unknown"/> until the first update.
    /// </summary>
    /// <param name="rehydrationToken">A token from <see cref="ImageOperation.RehydrationToken"/> or an exception's <see cref="LumenfallException.RehydrationToken"/>.</param>
    /// <returns>The operation, ready to update, wait for, watch or cancel.</returns>
    /// <remarks>
    /// The resumed operation's requests go to URLs this client builds from its own configured endpoints and the
    /// token's ids, with this client's key; they carry no <see cref="RequestOptions"/> (the call that started the
    /// operation may have had some: they stay with that call's operation).
    /// </remarks>
    /// <exception cref="ArgumentException">The text is not a rehydration token of this SDK (<see cref="ArgumentException.ParamName"/> is <c>rehydrationToken</c>).</exception>
    /// <exception cref="NotSupportedException">This client has no transport for the token's service.</exception>
    public virtual ImageOperation ResumeOperation(string rehydrationToken)
    {
        OperationState state = OperationState.FromToken(rehydrationToken);
        Core core = _current();
        return core.Transports.TryGetValue(state.Service, out IImageTransport? transport) && transport is IOperationProtocol protocol
            ? new PolledImageOperation(protocol, state, core.Options.TimeProvider, UsesStatusStream(core.Options, state.Service), initial: null)
            : throw new NotSupportedException($"This client cannot follow {state.Service} operations.");
    }

    /// <summary>Lists the models the Lumenfall gateway offers (<c>GET /models</c>).</summary>
    /// <param name="options">Settings for this call; null uses the client's.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>The models, with every field the gateway sends.</returns>
    /// <exception cref="LumenfallValidationException"><paramref name="options"/> break a rule; nothing was sent.</exception>
    /// <exception cref="LumenfallException">The gateway refused or failed the call.</exception>
    public virtual Task<IReadOnlyList<ServiceModel>> ListModelsAsync(RequestOptions? options = null, CancellationToken cancellationToken = default) =>
        WithOptionsAsync(options, (core, call) => LumenfallOf(core).ListModelsAsync(call, cancellationToken));

    /// <summary>Gets one model from the Lumenfall gateway (<c>GET /models/{id}</c>).</summary>
    /// <param name="modelId">For example <c>gpt-image-2</c>.</param>
    /// <param name="options">Settings for this call; null uses the client's.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentException"><paramref name="modelId"/> is empty or could change the URL path.</exception>
    /// <exception cref="LumenfallNotFoundException">The model does not exist or is disabled.</exception>
    public virtual Task<ServiceModel> GetModelAsync(string modelId, RequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        return WithOptionsAsync(options, (core, call) => LumenfallOf(core).GetModelAsync(modelId, call, cancellationToken));
    }

    /// <summary>
    /// Gets a model's compiled parameter schema from the Lumenfall gateway (<c>GET /models/{id}?schema=true</c>).
    /// Its shape is not documented, so it is returned as JSON, untouched.
    /// </summary>
    /// <param name="modelId">For example <c>omnigen-v2</c>.</param>
    /// <param name="options">Settings for this call; null uses the client's.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>The schema document; the caller disposes it.</returns>
    /// <exception cref="ArgumentException"><paramref name="modelId"/> is empty or could change the URL path.</exception>
    /// <exception cref="LumenfallNotFoundException">The model does not exist or is disabled.</exception>
    public virtual Task<JsonDocument> GetModelSchemaAsync(string modelId, RequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        return WithOptionsAsync(options, (core, call) => LumenfallOf(core).GetModelSchemaAsync(modelId, call, cancellationToken));
    }

    /// <summary>
    /// Asks the Lumenfall gateway what <paramref name="request"/> would cost (<c>?dryRun=true</c>): nothing is
    /// generated or billed. The request is validated first, as for <see cref="GenerateAsync"/>.
    /// </summary>
    /// <param name="request">A Lumenfall request record.</param>
    /// <param name="options">Settings for this call; null uses the client's.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>The estimate.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is null.</exception>
    /// <exception cref="LumenfallValidationException">The request or <paramref name="options"/> break a rule; nothing was sent.</exception>
    /// <exception cref="LumenfallException">The gateway refused or failed the call.</exception>
    public virtual Task<CostEstimate> EstimateCostAsync(LumenfallImageRequest request, RequestOptions? options = null, CancellationToken cancellationToken = default) =>
        WithOptionsAsync(options, (core, call) =>
        {
            Prepare(core, request, call);
            return LumenfallOf(core).EstimateCostAsync(request, call, cancellationToken);
        });

    /// <summary>Runs one call on the current options, with <paramref name="options"/> checked and copied first; the copy travels with the call.</summary>
    private async Task<T> WithOptionsAsync<T>(RequestOptions? options, Func<Core, RequestOptions?, Task<T>> call)
    {
        RequestOptions? checkedOptions = options?.Checked();
        return await call(_current(), checkedOptions).ConfigureAwait(false);
    }

    private static bool UsesStatusStream(LumenfallOptions options, ImageService service) => service == ImageService.Fal && options.Fal.UseStatusStream;

    private static LumenfallTransport LumenfallOf(Core core) =>
        core.Transports.TryGetValue(ImageService.Lumenfall, out IImageTransport? transport) && transport is LumenfallTransport lumenfall
            ? lumenfall
            : throw new NotSupportedException("This client has no Lumenfall transport.");

    /// <summary>One HTTP client over <paramref name="handler"/> for every service and downloads: the handlers hold no settings.</summary>
    private static Func<ImageService?, HttpClient> ClientsOver(HttpMessageHandler handler, TimeProvider time)
    {
        HttpClient client = HttpStack.CreateClient(NullLogger.Instance, handler, time);
        return _ => client;
    }

    /// <summary>A validated, frozen deep copy: what a client keeps of the options it is given.</summary>
    private static LumenfallOptions Snapshot(LumenfallOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.IsReadOnly)
        {
            return options;
        }

        LumenfallOptions copy = options.Clone();   // validated after copying: a change made meanwhile cannot slip past
        ThrowIfInvalid(copy);
        return copy.Freeze();
    }

    private static void ThrowIfInvalid(LumenfallOptions options)
    {
        IReadOnlyList<string> problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("The Lumenfall options are not usable: " + string.Join(" ", problems), nameof(options));
        }
    }

    private static Dictionary<ImageService, IImageTransport> CreateTransports(LumenfallOptions options, Func<ImageService?, HttpClient> clients)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clients);
        var downloader = new ImageDownloader(
            () => clients(null), options.TimeProvider, options.DownloadTimeout, options.MaxResponseBytes, options.DownloadRetry,
            () => options.Services.Select(s => s.Options.ApiKey));
        ServiceChannel Channel(ImageService service) =>
            new(service, () => clients(service), options.For(service), options.TimeProvider) { MaxResponseBytes = options.MaxResponseBytes };

        IImageTransport[] transports =
        [
            new LumenfallTransport(Channel(ImageService.Lumenfall), downloader),
            new FalTransport(Channel(ImageService.Fal), options.Fal, downloader),
            new OmniRoutersTransport(Channel(ImageService.OmniRouters), options.OmniRouters, downloader),
        ];
        return transports.ToDictionary(t => t.Service);
    }

    private IImageTransport Prepare(Core core, ImageRequest request, RequestOptions? call)
    {
        ArgumentNullException.ThrowIfNull(request);
        ValidationLevel level = call?.Validation ?? request.Validation ?? core.Options.Validation;
        foreach (ValidationError relaxed in request.Validate(level))
        {
            Log.ValidationRelaxed(_logger, request.ModelId, relaxed.ParameterName, level, relaxed.Message, relaxed.Rule);
        }

        return core.Transports.TryGetValue(request.Service, out IImageTransport? transport)
            ? transport
            : throw new NotSupportedException($"No transport for {request.Service} is registered in this client, so {request.ModelId} cannot be sent.");
    }
}
