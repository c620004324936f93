namespace Lumenfall.Sdk;

/// <summary>The outcome of a finished generation or edit, normalized across services.</summary>
public sealed class ImageGenerationResult
{
    /// <summary>Creates a result (the SDK does; tests of your own code may too).</summary>
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

    /// <summary>Gets the model the request was for (its catalog id).</summary>
    public string ModelId { get; }

    /// <summary>Gets the service that ran the request.</summary>
    public ImageService Service { get; }

    /// <summary>Gets the images produced, in the service's order.</summary>
    public IReadOnlyList<GeneratedImage> Images { get; }

    /// <summary>Gets the service's id for the request or operation (Lumenfall <c>X-Lumenfall-Request-Id</c>, fal request id, OmniRouters task id).</summary>
    public string? RequestId { get; }

    /// <summary>Gets the id the SDK sent as <c>X-Client-Request-Id</c>.</summary>
    public string? ClientRequestId { get; init; }

    /// <summary>Gets when the service created the images, when it said.</summary>
    public DateTimeOffset? Created { get; init; }

    /// <summary>Gets the output size the service reports, for example <c>1024x1024</c>.</summary>
    public string? Size { get; init; }

    /// <summary>Gets the output format the service reports, for example <c>png</c>.</summary>
    public string? OutputFormat { get; init; }

    /// <summary>Gets token usage, for token-priced models.</summary>
    public ImageUsage? Usage { get; init; }

    /// <summary>
    /// Gets the model the service names in its response (Lumenfall <c>metadata.model</c> or <c>X-Lumenfall-Model</c>):
    /// <see cref="ModelId"/> is the model asked for, this the gateway's name for it, <see cref="ExecutedModel"/> the
    /// provider's model that ran.
    /// </summary>
    public string? ResponseModel { get; init; }

    /// <summary>Gets the provider-qualified model that ran, for example <c>fal/omnigen-v2</c>.</summary>
    public string? ExecutedModel { get; init; }

    /// <summary>Gets the provider that ran the request, for example <c>fal</c> (Lumenfall <c>metadata.provider</c> or <c>X-Lumenfall-Provider</c>).</summary>
    public string? Provider { get; init; }

    /// <summary>Gets the display name of <see cref="Provider"/>, for example <c>Google Vertex AI</c> for <c>vertex</c>.</summary>
    public string? ProviderDisplayName { get; init; }

    /// <summary>Gets what the request cost, when the service said.</summary>
    public decimal? Cost { get; init; }

    /// <summary>Gets the currency of <see cref="Cost"/>, for example <c>USD</c>.</summary>
    public string? CostCurrency { get; init; }

    /// <summary>Gets the seed the model used, when the service reports it (a 64-bit value; fal's exceed 2^53).</summary>
    public long? Seed { get; init; }

    /// <summary>Gets the prompt the service reports having used (fal <c>prompt</c>).</summary>
    public string? Prompt { get; init; }

    /// <summary>
    /// Gets the timings the app's output reports, in seconds by name (fal's output <c>timings</c>, for example
    /// <c>inference</c>); <see cref="Metrics"/> are the queue's own measurements of the job.
    /// </summary>
    public IReadOnlyDictionary<string, double>? Timings { get; init; }

    /// <summary>Gets the HTTP response the result was read from (status, key-free headers, request ids).</summary>
    public ResponseInfo? Response { get; init; }

    /// <summary>
    /// Gets the service's metrics by name, when it sent them (fal's <c>metrics</c> of a finished job, for example
    /// <c>inference_time</c> in seconds).
    /// </summary>
    public IReadOnlyDictionary<string, double>? Metrics { get; internal set; }

    /// <summary>
    /// Gets the fal app's output exactly as it came, for fields the SDK does not map (and for apps whose output is
    /// not images, which <see cref="FalAppRequest"/> can run). Null for the other services.
    /// </summary>
    public System.Text.Json.JsonElement? RawOutput { get; init; }
}
