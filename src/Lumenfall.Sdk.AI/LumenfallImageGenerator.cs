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
    public const string CompletedResultsKey = "Lumenfall.CompletedResults";

    private readonly ImageClient _client;

    /// <summary>Creates a generator for one model.</summary>
    /// <param name="client">The client that sends the requests; not disposed by the generator.</param>
    /// <param name="modelId">The default model: a catalog id or alias, <c>omnirouters/&lt;model&gt;</c>, <c>fal-ai/&lt;app&gt;</c> or a gateway model id.</param>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="modelId"/> is empty.</exception>
    public LumenfallImageGenerator(ImageClient client, string modelId)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        _client = client;
        ModelId = modelId;
        ImageService service = ServiceOf(modelId);
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
        (ImageRequest wire, ModelProfile? profile, SnappedSize? size, Size? requested) = Build(request, options);

        int count = options?.Count ?? 1;
        if (count < 1)
        {
            throw new LumenfallValidationException([new ValidationError("Count", ValidationRule.Minimum, $"Count must be at least 1 (was {count}).")], wire.ModelId);
        }

        // One call makes the count where the model allows it; otherwise each call asks for at most the model's
        // per-call number. Every call's request is built and validated before the first one is sent.
        int perCall = profile?.MaxImagesPerCall is int max ? Math.Min(count, max) : count;
        var calls = new List<ImageRequest>();
        for (int left = count; left > 0; left -= perCall)
        {
            ImageRequest call = calls.Count == 0 ? wire : Build(request, options).Request;
            if (profile is not null && count > 1)
            {
                call.SetParameter(profile.CountParameter, Math.Min(perCall, left));
            }

            call.Validate(call.Validation ?? _client.Options.Validation);
            calls.Add(call);
            if (profile is null)
            {
                break;   // a ready record is sent once, as given
            }
        }

        var results = new List<ImageGenerationResult>(calls.Count);
        var contents = new List<AIContent>();
        UsageDetails? usage = null;
        try
        {
            foreach (ImageRequest call in calls)
            {
                ImageGenerationResult result = await _client.GenerateAsync(call, cancellationToken).ConfigureAwait(false);
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
        catch (Exception ex) when (results.Count > 0 && ex is LumenfallException or OperationCanceledException)
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
                content.AdditionalProperties[SizeRequestedKey] = $"{requested!.Value.Width}x{requested.Value.Height}";
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

    private static ImageService ServiceOf(string modelId) =>
        modelId.StartsWith(ModelCatalog.OmniRoutersPrefix, StringComparison.OrdinalIgnoreCase) ? ImageService.OmniRouters
        : ModelCatalog.TryGet(modelId, out ModelDescriptor? model) ? model.Service
        : modelId.StartsWith(ModelCatalog.FalPrefix, StringComparison.OrdinalIgnoreCase) ? ImageService.Fal
        : ImageService.Lumenfall;

    /// <summary>The wire request for the abstraction's request and options (everything but the count).</summary>
    private (ImageRequest Request, ModelProfile? Profile, SnappedSize? Size, Size? Requested) Build(ImageGenerationRequest request, ImageGenerationOptions? options)
    {
        if (options?.RawRepresentationFactory?.Invoke(this) is ImageRequest ready)
        {
            return (ready, null, null, null);
        }

        List<ImageInput> images = [];
        int index = 0;
        foreach (AIContent content in request.OriginalImages ?? [])
        {
            images.Add(content switch
            {
                DataContent data => ImageInput.FromBytes(data.Data, data.MediaType, data.Name),
                UriContent uri => ImageInput.FromUrl(uri.Uri),
                _ => throw new LumenfallValidationException(
                    [new ValidationError($"OriginalImages[{index}]", ValidationRule.MediaType, $"OriginalImages[{index}] is a {content?.GetType().Name ?? "null"}; only DataContent and UriContent images can be sent.")],
                    options?.ModelId ?? ModelId),
            });
            index++;
        }

        ImageRequest wire = ModelCatalog.CreateRequest(options?.ModelId ?? ModelId, request.Prompt ?? string.Empty, images);
        var profile = ModelProfile.For(wire);
        SnappedSize? size = null;
        if (options?.ImageSize is { } requested)
        {
            if (requested.Width <= 0 || requested.Height <= 0)
            {
                throw new LumenfallValidationException(
                    [new ValidationError("ImageSize", ValidationRule.SizeRange, $"ImageSize must be positive on both sides (was {requested.Width}x{requested.Height}).")], wire.ModelId);
            }

            size = profile.Size.Snap(requested, falObject: wire.Service == ImageService.Fal);
            foreach ((string name, JsonNode? value) in size.Parameters)
            {
                wire.SetParameter(name, value);
            }
        }

        if (options?.MediaType is { } mediaType)
        {
            if (profile.OutputFormatParameter is null)
            {
                throw new LumenfallValidationException(
                    [new ValidationError("MediaType", ValidationRule.AllowedValues, $"{wire.ModelId} takes no output format; leave MediaType unset.")], wire.ModelId);
            }

            wire.SetParameter(profile.OutputFormatParameter, OutputFormat(mediaType, wire.ModelId));
        }

        if (options?.ResponseFormat is { } format && profile.HasResponseFormat)
        {
            wire.SetParameter("response_format", format == ImageGenerationResponseFormat.Data ? "b64_json" : "url");
        }

        foreach ((string name, object? value) in options?.AdditionalProperties ?? [])
        {
            wire.SetParameter(name, ToJson(name, value, wire.ModelId));
        }

        return (wire, profile, size, options?.ImageSize);
    }

    private static string OutputFormat(string mediaType, string modelId) => mediaType.ToLowerInvariant() switch
    {
        "image/png" => "png",
        "image/jpeg" or "image/jpg" => "jpeg",
        "image/webp" => "webp",
        "image/gif" => "gif",
        "image/avif" => "avif",
        _ => throw new LumenfallValidationException(
            [new ValidationError("MediaType", ValidationRule.AllowedValues, $"MediaType {mediaType} is not an image format a model can return (image/png, image/jpeg, image/webp, image/gif, image/avif).")], modelId),
    };

    private static JsonNode? ToJson(string name, object? value, string modelId) => value switch
    {
        null => null,
        JsonNode node => node.DeepClone(),
        JsonElement element => JsonNode.Parse(element.GetRawText()),
        string text => JsonValue.Create(text),
        bool flag => JsonValue.Create(flag),
        int number => JsonValue.Create(number),
        long number => JsonValue.Create(number),
        double number => JsonValue.Create(number),
        float number => JsonValue.Create(number),
        decimal number => JsonValue.Create(number),
        IEnumerable<string> texts => new JsonArray([.. texts.Select(t => (JsonNode?)JsonValue.Create(t))]),
        _ => throw new LumenfallValidationException(
            [new ValidationError(name, ValidationRule.ParameterType, $"AdditionalProperties[\"{name}\"] is a {value.GetType().Name}; give a string, number, bool, list of strings, JsonNode or JsonElement.")], modelId),
    };

    private static async Task<AIContent> ToContentAsync(GeneratedImage image, ImageGenerationResponseFormat? format, CancellationToken cancellationToken)
    {
        string mediaType = image.MediaType ?? "image/png";
        AIContent content;
        if (image.Data is { } data)
        {
            content = new DataContent(data, mediaType);
        }
        else if (format == ImageGenerationResponseFormat.Data)
        {
            // The service answered with a URL: fetch it (without any key, within the client's download limits).
            using var bytes = new MemoryStream();
            await image.SaveAsync(bytes, cancellationToken).ConfigureAwait(false);
            content = new DataContent(bytes.GetBuffer().AsMemory(0, (int)bytes.Length), mediaType);
        }
        else
        {
            content = new UriContent(image.Uri!, mediaType);
        }

        content.RawRepresentation = image;
        return content;
    }
}
