using System.Diagnostics.CodeAnalysis;

namespace Lumenfall.Sdk;

/// <summary>
/// Every model the SDK ships typed requests for. The entries are generated from the schemas in
/// <c>src/Lumenfall.Sdk/Schemas</c>; lookups accept the id or an alias, ignoring case.
/// </summary>
public static partial class ModelCatalog
{
    /// <summary>Gets every model, ordered by id.</summary>
    public static IReadOnlyList<ModelDescriptor> All => Models;

    /// <summary>Finds a model by id or alias, ignoring case.</summary>
    /// <param name="idOrAlias">For example <c>gpt-image-2</c>, <c>fal-ai/omnigen-v1</c> or <c>omnigen-v1</c>.</param>
    /// <param name="model">The model, when found.</param>
    /// <returns>Whether the model was found.</returns>
    public static bool TryGet(string idOrAlias, [NotNullWhen(true)] out ModelDescriptor? model)
    {
        ArgumentNullException.ThrowIfNull(idOrAlias);
        foreach (ModelDescriptor candidate in Models)
        {
            if (string.Equals(candidate.Id, idOrAlias, StringComparison.OrdinalIgnoreCase)
                || candidate.Aliases.Contains(idOrAlias, StringComparer.OrdinalIgnoreCase))
            {
                model = candidate;
                return true;
            }
        }

        model = null;
        return false;
    }

    /// <summary>The prefix of an OmniRouters model id: <c>omnirouters/&lt;model&gt;</c>, for example <c>omnirouters/GPT-image-2</c>.</summary>
    public const string OmniRoutersPrefix = "omnirouters/";

    /// <summary>The prefix of a fal app id outside the catalog: <c>fal-ai/&lt;app&gt;[/&lt;path&gt;]</c>.</summary>
    public const string FalPrefix = "fal-ai/";

    /// <summary>
    /// Creates the request for any model the SDK can send, by id: a model of the catalog gets its typed record (the
    /// edit record when <paramref name="images"/> are given and the model edits); <c>omnirouters/&lt;model&gt;</c> an
    /// <see cref="OmniImageRequest"/>; another <c>fal-ai/…</c> app a <see cref="FalAppRequest"/> (one image as
    /// <c>image_url</c>, several as <c>image_urls</c>); any other id a <see cref="LumenfallModelRequest"/> for the
    /// gateway. Set further parameters with <see cref="ImageRequest.SetParameter"/>.
    /// </summary>
    /// <param name="modelId">A catalog id or alias, <c>omnirouters/&lt;model&gt;</c>, <c>fal-ai/&lt;app&gt;</c> or a gateway model id.</param>
    /// <param name="prompt">The prompt.</param>
    /// <param name="images">Input images; none for text-to-image.</param>
    /// <returns>A new request.</returns>
    /// <exception cref="ArgumentException"><paramref name="modelId"/> is null or empty (the guard every method has).</exception>
    /// <exception cref="LumenfallValidationException">
    /// The id is <c>omni-image</c> without the OmniRouters model (rule <c>model-id</c>), or images were given to a model
    /// that takes none (rule <c>max-items</c>): like every rule of a model, refused before anything is sent.
    /// </exception>
    public static ImageRequest CreateRequest(string modelId, string prompt, IReadOnlyList<ImageInput>? images = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        ArgumentNullException.ThrowIfNull(prompt);
        images ??= [];
        ImageRequest request;
        if (modelId.StartsWith(OmniRoutersPrefix, StringComparison.OrdinalIgnoreCase) && modelId.Length > OmniRoutersPrefix.Length)
        {
            request = new OmniImageRequest(modelId[OmniRoutersPrefix.Length..], prompt);
        }
        else if (TryGet(modelId, out ModelDescriptor? model))
        {
            if (model.Service == ImageService.OmniRouters)
            {
                throw new LumenfallValidationException(
                    [new ValidationError("model", ValidationRule.ModelId, $"{model.Id} runs several OmniRouters models: name one as {OmniRoutersPrefix}<model>, for example {OmniRoutersPrefix}{OmniImageModel.GptImage2}")], model.Id);
            }

            ImageMode mode = images.Count > 0 && model.Modes.Contains(ImageMode.Edit) ? ImageMode.Edit : ImageMode.TextToImage;
            Type type = model.RequestType(mode);
            var contract = (System.Text.Json.Serialization.Metadata.JsonTypeInfo)Lumenfall.Sdk.Serialization.RequestJsonContext.Default.GetTypeInfo(type)!;
            request = (ImageRequest)System.Text.Json.JsonSerializer.Deserialize(new System.Text.Json.Nodes.JsonObject { ["prompt"] = prompt }, contract)!;
        }
        else if (modelId.StartsWith(FalPrefix, StringComparison.OrdinalIgnoreCase))
        {
            request = new FalAppRequest(modelId, new System.Text.Json.Nodes.JsonObject { ["prompt"] = prompt });
        }
        else
        {
            request = new LumenfallModelRequest(modelId, prompt);
        }

        if (images.Count > 0 && !request.TrySetInputImages([.. images]))
        {
            throw new LumenfallValidationException(
                [new ValidationError("image", ValidationRule.MaxItems, $"{request.ModelId} takes no input images ({images.Count} given).")], request.ModelId);
        }

        return request;
    }

    /// <summary>Gets a model by id or alias, ignoring case.</summary>
    /// <param name="idOrAlias">For example <c>flux.2-dev</c>.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentException">No model has that id or alias (<see cref="ArgumentException.ParamName"/> is <c>idOrAlias</c>); the message lists the known ids. <see cref="TryGet"/> does not throw.</exception>
    public static ModelDescriptor Get(string idOrAlias) =>
        TryGet(idOrAlias, out ModelDescriptor? model)
            ? model
            : throw new ArgumentException($"No model '{idOrAlias}' in the catalog. Known models: {string.Join(", ", Models.Select(m => m.Id))}.", nameof(idOrAlias));
}
