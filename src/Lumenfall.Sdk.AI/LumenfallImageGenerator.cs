using System.Drawing;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lumenfall.Sdk.AI;
using Microsoft.Extensions.AI;

namespace Lumenfall.Sdk;

/// <summary>
/// A Microsoft.Extensions.AI <see cref="IImageGenerator"/> over an <see cref="ImageClient"/> and one model: any model
/// <see cref="ModelCatalog.CreateRequest"/> can build (the typed catalog models and their aliases,
/// <c>omnirouters/&lt;model&gt;</c>, <c>fal-ai/&lt;app&gt;</c> and any other gateway model id). Requests become the
/// model's typed record and go through the client as every SDK call does: validated before any I/O, queued jobs
/// awaited under the caller's token, a billable request never sent twice, failures as the SDK's typed exceptions.
/// </summary>
/// <remarks>
/// <para>Mapping of <see cref="ImageGenerationRequest"/> and <see cref="ImageGenerationOptions"/>:</para>
/// <list type="bullet">
/// <item><c>Prompt</c> and every <c>OriginalImages</c> item (<see cref="DataContent"/> or <see cref="UriContent"/>)
/// → the model's edit record; more images than the model takes fail its validation (rule <c>max-items</c>).</item>
/// <item><c>Count</c> → the model's count parameter (<c>n</c> or <c>num_images</c>); above what one call may make
/// (GPT Image 2: 1, FLUX.2 [dev] and OmniGen v2: 10, OmniGen v1: 4) the generator makes several calls, one after the
/// other.</item>
/// <item><c>ImageSize</c> → the nearest size the model accepts (see the README's snapping table); the size sent is in
/// each returned content's <see cref="AIContent.AdditionalProperties"/> under <see cref="SizeSentKey"/>.</item>
/// <item><c>MediaType</c> → <c>output_format</c>; <c>ResponseFormat</c> → the gateway's <c>response_format</c>
/// (elsewhere <see cref="ImageGenerationResponseFormat.Data"/> downloads the result);
/// <c>ModelId</c> overrides the model; <c>AdditionalProperties</c> → <see cref="ImageRequest.SetParameter"/>.</item>
/// <item><c>RawRepresentationFactory</c> may return a ready <see cref="ImageRequest"/>: it is sent as it is.</item>
/// </list>
/// </remarks>
[System.Diagnostics.CodeAnalysis.Experimental("MEAI001", UrlFormat = "https://aka.ms/dotnet-extensions-warnings/{0}")]
public sealed class LumenfallImageGenerator : IImageGenerator
{
    /// <summary>The key, in each returned content's <see cref="AIContent.AdditionalProperties"/>, of the size sent (<c>1024x1008</c>, <c>16:9 2K</c>).</summary>
    public const string SizeSentKey = "lumenfall.size_sent";

    /// <summary>The key, in each returned content's <see cref="AIContent.AdditionalProperties"/>, of the size requested (<c>1000x1000</c>).</summary>
    public const string SizeRequestedKey = "lumenfall.size_requested";

    /// <summary>
    /// The key, in <see cref="Exception.Data"/> of an exception thrown after some of several calls succeeded, of the
    /// <see cref="ImageGenerationResult"/>s already made (and billed).
    /// </summary>
    public const string CompletedResultsKey = "lumenfall.completed_results";

    private readonly ImageClient _client;

    /// <summary>Creates a generator for one model.</summary>
    /// <param name="client">The client that sends the requests; not disposed by the generator.</param>
    /// <param name="modelId">The default model: a catalog id or alias, <c>omnirouters/&lt;model&gt;</c>, <c>fal-ai/&lt;app&gt;</c> or a gateway model id.</param>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="modelId"/> is empty, or names no model a request can be made for (<c>omni-image</c> without its OmniRouters model).</exception>
    public LumenfallImageGenerator(ImageClient client, string modelId)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        ImageService service;
        try
        {
            service = ModelCatalog.CreateRequest(modelId, string.Empty).Service;   // an id no request can be made for fails here, not at the first call
        }
        catch (LumenfallValidationException ex) when (ex.Rule == ValidationRule.ModelId)
        {
            throw new ArgumentException(ex.Message, nameof(modelId), ex);
        }

        _client = client;
        ModelId = modelId;
        Metadata = new ImageGeneratorMetadata(service.ToString().ToLowerInvariant(), client.Options.For(service).Endpoint, modelId);
    }

    /// <summary>Gets the default model id.</summary>
    public string ModelId { get; }

    /// <summary>Gets the provider name (<c>lumenfall</c>, <c>fal</c> or <c>omnirouters</c>), its endpoint and the default model id.</summary>
    public ImageGeneratorMetadata Metadata { get; }

    /// <inheritdoc />
    /// <exception cref="LumenfallValidationException">The request breaks one of the model's rules; nothing was sent.</exception>
    /// <exception cref="LumenfallException">The service refused the request or failed (the SDK's typed exceptions).</exception>
    public async Task<ImageGenerationResponse> GenerateAsync(ImageGenerationRequest request, ImageGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        (ImageRequest wire, ModelProfile? profile, SnappedSize? size) = Build(request, options);
        List<ImageRequest> calls = Calls(wire, profile, options?.Count);

        var results = new List<ImageGenerationResult>(calls.Count);
        var contents = new List<AIContent>();
        UsageDetails? usage = null;
        try
        {
            foreach (ImageRequest call in calls)
            {
                ImageGenerationResult result = await _client.GenerateAsync(call, cancellationToken: cancellationToken).ConfigureAwait(false);
                results.Add(result);
                foreach (GeneratedImage image in result.Images)
                {
                    contents.Add(await ToContentAsync(image, options?.ResponseFormat, cancellationToken).ConfigureAwait(false));
                }

                if (result.Usage is { } used)
                {
                    usage ??= new UsageDetails();
                    usage.Add(new UsageDetails { InputTokenCount = used.InputTokens, OutputTokenCount = used.OutputTokens, TotalTokenCount = used.TotalTokens });
                }
            }
        }
        catch (Exception ex) when (results.Count > 0)
        {
            ex.Data[CompletedResultsKey] = results.ToArray();   // already made and billed: not lost with the failure
            throw;
        }

        if (size is not null)
        {
            foreach (AIContent content in contents)
            {
                content.AdditionalProperties ??= [];
                content.AdditionalProperties[SizeSentKey] = size.Sent;
                content.AdditionalProperties[SizeRequestedKey] = size.Requested;
            }
        }

        return new ImageGenerationResponse(contents)
        {
            RawRepresentation = results.Count == 1 ? results[0] : results,
            Usage = usage,
        };
    }

    /// <inheritdoc />
    /// <remarks>Returns the <see cref="ImageClient"/>, the default model's <see cref="ModelDescriptor"/> (null outside the catalog), the <see cref="ImageGeneratorMetadata"/>, or this generator.</remarks>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ImageGeneratorMetadata) ? Metadata
            : serviceType == typeof(ImageClient) ? _client
            : serviceType == typeof(ModelDescriptor) ? (ModelCatalog.TryGet(ModelId, out ModelDescriptor? model) ? model : null)
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Does nothing: the generator does not own its <see cref="ImageClient"/>.</summary>
    public void Dispose()
    {
    }

    /// <summary>The most calls one <see cref="GenerateAsync"/> makes to reach <see cref="ImageGenerationOptions.Count"/>.</summary>
    internal const int MaxCalls = 10;

    /// <summary>
    /// The wire request for the abstraction's request and options, all but the count. <c>AdditionalProperties</c> go
    /// first, so the options proper (size, format) win over a raw parameter of the same name.
    /// </summary>
    private (ImageRequest Request, ModelProfile? Profile, SnappedSize? Size) Build(ImageGenerationRequest request, ImageGenerationOptions? options)
    {
        string modelId = options?.ModelId ?? ModelId;
        if (options?.RawRepresentationFactory?.Invoke(this) is ImageRequest ready)
        {
            // A ready record is the caller's whole request: an option that would change it is refused, not dropped.
            string? conflict = options.Count > 1 ? "Count" : options.ImageSize is not null ? "ImageSize" : options.MediaType is not null ? "MediaType"
                : options.AdditionalProperties is { Count: > 0 } ? "AdditionalProperties" : request.OriginalImages?.Any() == true ? "OriginalImages" : null;
            return conflict is null
                ? (ready, null, null)
                : throw Invalid(conflict, ValidationRule.ReservedParameter, $"{conflict} cannot be applied to the ready {ready.GetType().Name} that RawRepresentationFactory returned; set it on the record.", ready.ModelId);
        }

        List<ImageInput> images = [];
        int index = 0;
        foreach (AIContent content in request.OriginalImages ?? [])
        {
            images.Add(content switch
            {
                DataContent data => ImageInput.FromBytes(data.Data, data.MediaType, data.Name),
                UriContent uri => ImageInput.FromUrl(uri.Uri),
                _ => throw Invalid($"OriginalImages[{index}]", ValidationRule.MediaType, $"OriginalImages[{index}] is a {content?.GetType().Name ?? "null"}; only DataContent and UriContent images can be sent.", modelId),
            });
            index++;
        }

        ImageRequest wire = Create(modelId, request.Prompt ?? string.Empty, images);
        var profile = ModelProfile.For(wire);
        foreach ((string name, object? value) in options?.AdditionalProperties ?? [])
        {
            wire.SetParameter(name, ToJson(name, value, wire.ModelId));
        }

        SnappedSize? size = null;
        if (options?.ImageSize is { } requested)
        {
            if (requested.Width <= 0 || requested.Height <= 0)
            {
                throw Invalid("ImageSize", ValidationRule.SizeRange, $"ImageSize must be positive on both sides (was {requested.Width}x{requested.Height}).", wire.ModelId);
            }

            size = profile.Size.Snap(requested, falObject: wire.Service == ImageService.Fal);
            foreach ((string name, JsonNode? value) in size.Parameters)
            {
                wire.SetParameter(name, value);
            }
        }

        if (options?.MediaType is { } mediaType)
        {
            wire.SetParameter(
                profile.OutputFormatParameter ?? throw Invalid("MediaType", ValidationRule.AllowedValues, $"{wire.ModelId} takes no output format; leave MediaType unset.", wire.ModelId),
                OutputFormat(mediaType, wire.ModelId));
        }

        if (options?.ResponseFormat is { } format && profile.HasResponseFormat)
        {
            wire.SetParameter("response_format", format == ImageGenerationResponseFormat.Data ? "b64_json" : "url");
        }

        return (wire, profile, size);
    }

    /// <summary>
    /// The requests to send, each validated before the first is sent: one where the model makes the whole count in a
    /// call, otherwise copies asking for at most the model's per-call number each (at most <see cref="MaxCalls"/>).
    /// </summary>
    private List<ImageRequest> Calls(ImageRequest wire, ModelProfile? profile, int? requestedCount)
    {
        int count = requestedCount ?? 1;
        if (count < 1)
        {
            throw Invalid("Count", ValidationRule.Minimum, $"Count must be at least 1 (was {count}).", wire.ModelId);
        }

        int perCall = profile?.MaxImagesPerCall is int max ? Math.Min(count, max) : count;
        int callCount = profile is null ? 1 : (count + perCall - 1) / perCall;
        if (callCount > MaxCalls)
        {
            throw Invalid("Count", ValidationRule.Maximum, $"Count {count} would take {callCount} calls of at most {perCall} image(s) to {wire.ModelId}; one request makes at most {MaxCalls} calls ({MaxCalls * perCall} images).", wire.ModelId);
        }

        var calls = new List<ImageRequest>(callCount);
        for (int i = 0, left = count; i < callCount; i++, left -= perCall)
        {
            ImageRequest call = i == 0 ? wire : wire with { };   // a copy shares the inputs and deep-copies the parameters
            if (profile is not null && requestedCount is not null)
            {
                call.SetParameter(profile.CountParameter, Math.Min(perCall, left));
            }

            call.Validate(call.Validation ?? _client.Options.Validation);
            calls.Add(call);
        }

        return calls;
    }

    /// <summary><see cref="ModelCatalog.CreateRequest"/>, with an unusable model id as a validation error.</summary>
    private static ImageRequest Create(string modelId, string prompt, List<ImageInput> images)
    {
        try
        {
            return ModelCatalog.CreateRequest(modelId, prompt, images);
        }
        catch (LumenfallValidationException ex) when (ex.Rule == ValidationRule.ModelId)
        {
            throw Invalid("ModelId", ValidationRule.ModelId, ex.Errors[0].Message, modelId);
        }
    }

    private static LumenfallValidationException Invalid(string parameter, string rule, string message, string? modelId) =>
        new([new ValidationError(parameter, rule, message)], modelId);

    private static string OutputFormat(string mediaType, string modelId) => mediaType.ToLowerInvariant() switch
    {
        "image/png" => "png",
        "image/jpeg" or "image/jpg" => "jpeg",
        "image/webp" => "webp",
        "image/gif" => "gif",
        "image/avif" => "avif",
        _ => throw Invalid("MediaType", ValidationRule.AllowedValues, $"MediaType {mediaType} is not an image format a model can return (image/png, image/jpeg, image/webp, image/gif, image/avif).", modelId),
    };

    private static JsonNode? ToJson(string name, object? value, string modelId) => value switch
    {
        null => null,
        JsonNode node => node.DeepClone(),
        JsonElement { ValueKind: JsonValueKind.Undefined } => throw Invalid(name, ValidationRule.ParameterType, $"AdditionalProperties[\"{name}\"] is an undefined JsonElement.", modelId),
        JsonElement element => JsonNode.Parse(element.GetRawText()),
        string text => JsonValue.Create(text),
        bool flag => JsonValue.Create(flag),
        int number => JsonValue.Create(number),
        long number => JsonValue.Create(number),
        double number => JsonValue.Create(number),
        float number => JsonValue.Create(number),
        decimal number => JsonValue.Create(number),
        IEnumerable<string> texts => new JsonArray([.. texts.Select(t => (JsonNode?)JsonValue.Create(t))]),
        _ => throw Invalid(name, ValidationRule.ParameterType, $"AdditionalProperties[\"{name}\"] is a {value.GetType().Name}; give a string, number, bool, list of strings, JsonNode or JsonElement.", modelId),
    };

    /// <summary>
    /// Bytes the service sent, a <c>data:</c> URI, or a URL fetched because data was asked for → <see cref="DataContent"/>
    /// with the media type the bytes show; any other URL → <see cref="UriContent"/>.
    /// </summary>
    private static async Task<AIContent> ToContentAsync(GeneratedImage image, ImageGenerationResponseFormat? format, CancellationToken cancellationToken)
    {
        AIContent content;
        if (image.Data is not null || image.Uri is { Scheme: "data" } || format == ImageGenerationResponseFormat.Data)
        {
            (ReadOnlyMemory<byte> bytes, string? mediaType) = await image.LoadAsync(cancellationToken).ConfigureAwait(false);
            content = new DataContent(bytes, mediaType ?? "application/octet-stream");
        }
        else
        {
            content = new UriContent(image.Uri!, image.MediaType);   // null: inferred from the URL
        }

        content.RawRepresentation = image;
        return content;
    }
}
