using System.Net;

namespace Lumenfall.Sdk.Http;

/// <summary>Why a request is sent: decides its timeout and, with the resilience handler, whether it may be replayed.</summary>
internal enum CallPurpose
{
    /// <summary>A billable, non-idempotent POST (generation, edit, queue submit).</summary>
    Generation,

    /// <summary>A read or a status poll: safe to repeat.</summary>
    Read,

    /// <summary>A remote cancel: safe to repeat.</summary>
    Cancel,

    /// <summary>Uploading an input image to storage: safe to repeat, may take as long as a generation.</summary>
    Upload,

    /// <summary>Fetching a result image.</summary>
    Download,
}

/// <summary>
/// One service's HTTP channel: sends a request with a client request id under a timeout the SDK enforces
/// (never <see cref="HttpClient.Timeout"/>), turns failures into typed exceptions, and reads the body inside
/// the same timeout.
/// </summary>
internal sealed class ServiceChannel
{
    public const string ClientRequestIdHeader = "X-Client-Request-Id";

    private readonly ServiceOptions _options;

    private readonly Func<HttpClient> _http;

    private readonly CallSettings _settings;

    // http gives the client for each call: from IHttpClientFactory under a host, or one fixed client. options are the
    // client's frozen settings: the key, hosts and retries every request carries come from them.
    public ServiceChannel(ImageService service, Func<HttpClient> http, ServiceOptions options, TimeProvider time)
    {
        Service = service;
        _http = http;
        _options = options;
        Time = time;
        _settings = new CallSettings(HttpStack.AuthScheme(service), options.ApiKey, options.Endpoints, options.Retry, time, Unprocessed503: service == ImageService.Fal);
    }

    public ImageService Service { get; }

    public TimeProvider Time { get; }

    public ServiceOptions Options => _options;

    /// <summary>Gets or sets the largest response body read, in bytes.</summary>
    public long MaxResponseBytes { get; init; } = 256L * 1024 * 1024;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Uri> _fixedUrls = new(StringComparer.Ordinal);

    /// <summary>Builds an absolute URL under the service's endpoint: <c>{endpoint}/{relative}</c>.</summary>
    public Uri Url(string relative) => Url(_options.Endpoint, relative);

    /// <summary>
    /// <see cref="Url(string)"/> for a path that is the same on every call (<c>images/generations</c>): built once.
    /// Never for paths holding ids, which would grow the cache without bound.
    /// </summary>
    public Uri FixedUrl(string relative) =>
        _fixedUrls.TryGetValue(relative, out Uri? url) ? url : _fixedUrls.GetOrAdd(relative, Url(_options.Endpoint, relative));

    public static Uri Url(Uri endpoint, string relative) =>
        new(endpoint.AbsoluteUri.TrimEnd('/') + "/" + relative.TrimStart('/'));

    /// <summary>
    /// Sends <paramref name="request"/> and reads the successful response with <paramref name="read"/>, all within
    /// the purpose's timeout (or the call's). A non-success status becomes the typed exception, unless
    /// <paramref name="accept"/> lets <paramref name="read"/> handle it. If <paramref name="read"/> returns the
    /// response itself, it is not disposed (the caller owns it, for example to read a stream).
    /// </summary>
    /// <param name="request">The request; its URL is one the SDK built from a configured endpoint and ids, unless <paramref name="keyed"/> is false.</param>
    /// <param name="purpose">Why it is sent: its timeout and whether it may be replayed.</param>
    /// <param name="call">The call's own settings (already checked), or null.</param>
    /// <param name="read">Reads the successful response.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <param name="accept">Statuses <paramref name="read"/> handles itself.</param>
    /// <param name="keyed">False for a URL a server gave (an upload target): it never gets the key or the call's headers.</param>
    public async Task<T> SendAsync<T>(
        HttpRequestMessage request,
        CallPurpose purpose,
        RequestOptions? call,
        Func<HttpResponseMessage, CallContext, CancellationToken, Task<T>> read,
        CancellationToken cancellationToken,
        Func<HttpStatusCode, bool>? accept = null,
        bool keyed = true)
    {
        if (string.IsNullOrEmpty(_options.ApiKey))
        {
            throw new LumenfallAuthenticationException(
                $"No API key is set for {Service}: set {LumenfallEnvironment.KeyVariable(Service)} or {LumenfallOptions.SectionName}:{Service}:ApiKey. Nothing was sent.")
            {
                Service = Service,
            };
        }

        string clientRequestId = call?.ClientRequestId ?? NewClientRequestId();
        request.Headers.Remove(ClientRequestIdHeader);
        request.Headers.TryAddWithoutValidation(ClientRequestIdHeader, clientRequestId);
        CallSettings settings = call is null ? _settings : _settings with { Retry = call.Retry ?? _settings.Retry, Headers = call.Headers.Count == 0 ? null : call.HeaderSnapshot };
        TimeSpan timeout = call?.Timeout ?? (purpose is CallPurpose.Generation or CallPurpose.Upload ? _options.GenerationTimeout : _options.RequestTimeout);
        using var timeoutSource = new CancellationTokenSource(timeout, Time);
        long? deadline = timeout == System.Threading.Timeout.InfiniteTimeSpan ? null : Time.GetTimestamp() + (long)(timeout.TotalSeconds * Time.TimestampFrequency);
        Uri? keyedUrl = keyed && request.RequestUri is { IsAbsoluteUri: true } url && CallState.IsOnEndpoint(url, _options.Endpoints) ? url : null;
        new CallState(settings, purpose, keyedUrl, deadline).AttachTo(request);

        // Linked only when the caller's token can be canceled: most calls pass none, and then the timeout is the token.
        using CancellationTokenSource? linked = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token) : null;
        CancellationToken token = linked?.Token ?? timeoutSource.Token;
        var context = new CallContext(clientRequestId, _options.ApiKey);
        HttpResponseMessage? response = null;
        bool keep = false;
        try
        {
            response = await _http().SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
            context.Response = response;
            if (!response.IsSuccessStatusCode && accept?.Invoke(response.StatusCode) != true)
            {
                throw await ServiceErrors.FromResponseAsync(Service, response, clientRequestId, _options.ApiKey, Time, token).ConfigureAwait(false);
            }

            T result = await read(response, context, token).ConfigureAwait(false);
            keep = ReferenceEquals(result, response);
            return result;
        }
        catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(ex.Message, ex, cancellationToken);   // only the caller's own token ends a call this way
        }
        catch (Exception ex)
        {
            throw Translate(ex, request, purpose, timeout, context, timedOut: timeoutSource.IsCancellationRequested);
        }
        finally
        {
            if (!keep)
            {
                response?.Dispose();
            }
        }
    }

    /// <summary>
    /// A new client request id: 32 lowercase hex digits (as a GUID's "N" format) from 128 bits of the shared generator,
    /// which each thread seeds from the operating system. Unique per call, without the read of /dev/urandom that
    /// <see cref="Guid.NewGuid"/> makes on Linux for every id.
    /// </summary>
    internal static string NewClientRequestId()
    {
        Span<byte> bits = stackalloc byte[16];
        Random.Shared.NextBytes(bits);
#if NET9_0_OR_GREATER
        return Convert.ToHexStringLower(bits);
#else
        return Convert.ToHexString(bits).ToLowerInvariant();
#endif
    }

    /// <summary>Sends a request and returns the open response once its headers are in (for streams); the caller disposes it.</summary>
    public Task<HttpResponseMessage> OpenAsync(HttpRequestMessage request, CallPurpose purpose, RequestOptions? call, CancellationToken cancellationToken) =>
        SendAsync(request, purpose, call, (response, _, _) => Task.FromResult(response), cancellationToken);

    /// <summary>
    /// Turns whatever a call threw into the SDK's typed exception, with the call's ids, the key redacted and the
    /// message capped: the SDK's timeout → <see cref="LumenfallTimeoutException"/>; a connection that failed, was
    /// reset or ended early (or a cancellation that is not the caller's) → <see cref="LumenfallNetworkException"/>;
    /// anything else while reading → <see cref="LumenfallUnexpectedResponseException"/>.
    /// </summary>
    private LumenfallException Translate(Exception exception, HttpRequestMessage request, CallPurpose purpose, TimeSpan timeout, CallContext context, bool timedOut)
    {
        string? apiKey = _options.ApiKey;
        string? requestId = context.Response is { } response ? ServiceErrors.RequestIdFrom(response.Headers) : null;
        var details = ServiceErrorDetails.Of(Service, context.StatusCode, requestId, context.ClientRequestId);
        string path = request.RequestUri?.GetLeftPart(UriPartial.Path) ?? string.Empty;
        string when = context.Response is null ? "before a response arrived" : "while its body was read";
        Exception inner = ServiceErrors.SafeInner(exception, apiKey);
        LumenfallException typed = exception switch
        {
            LumenfallException known => known,
            OperationCanceledException when timedOut => Timeout(purpose, timeout, details, inner),
            OperationCanceledException { InnerException: TimeoutException } => new LumenfallTimeoutException(
                $"{Service}: the request to {path} timed out {when} (client request id {context.ClientRequestId}): {inner.Message}", timeout, inner)
                .With<LumenfallTimeoutException>(details),
            OperationCanceledException or HttpRequestException or IOException => new LumenfallNetworkException(
                $"{Service}: the request to {path} failed {when}{(exception is HttpRequestException http ? $" ({http.HttpRequestError})" : string.Empty)} (client request id {context.ClientRequestId}): {inner.Message}"
                + (purpose == CallPurpose.Generation ? " It was not sent again: the service may have processed it." : string.Empty),
                inner).With<LumenfallNetworkException>(details),
            _ => new LumenfallUnexpectedResponseException(
                $"{Service} sent a response the SDK could not use (client request id {context.ClientRequestId}): {inner.GetType().Name}: {inner.Message}", inner)
                .With<LumenfallUnexpectedResponseException>(details),
        };
        typed.FillCall(Service, context.ClientRequestId, requestId, context.Info);
        return typed.Sanitize<LumenfallException>(apiKey);
    }

    private LumenfallTimeoutException Timeout(CallPurpose purpose, TimeSpan timeout, in ServiceErrorDetails details, Exception inner)
    {
        string message = purpose == CallPurpose.Generation
            ? $"{Service}: no complete response within {timeout} (client request id {details.ClientRequestId}). "
              + "The service may still produce the image and bill for it; raise the generation timeout for slow models."
            : $"{Service}: no complete response within {timeout} (client request id {details.ClientRequestId}).";
        return new LumenfallTimeoutException(message, timeout, inner).With<LumenfallTimeoutException>(details);
    }
}

/// <summary>What one call knows while its response is read.</summary>
internal sealed class CallContext(string clientRequestId, string? apiKey)
{
    private ResponseInfo? _info;

    public string ClientRequestId { get; } = clientRequestId;

    /// <summary>Gets the response as results and exceptions expose it (key-free); null before headers arrived.</summary>
    public ResponseInfo? Info => Response is null ? null : _info ??= ResponseInfo.From(Response, ClientRequestId, apiKey);

    public HttpResponseMessage? Response { get; set; }

    public HttpStatusCode? StatusCode => Response?.StatusCode;
}
