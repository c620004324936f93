using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Lumenfall.Sdk.Http;

namespace Lumenfall.Sdk;

/// <summary>
/// A request for any model on the Lumenfall gateway, by id, without a typed record: the escape hatch for a model the
/// SDK does not ship a record for yet. The prompt goes as <c>prompt</c>, every other parameter through
/// <see cref="ImageRequest.AdditionalProperties"/> exactly as given. With <see cref="Images"/> it is an edit (multipart
/// <c>/images/edits</c>), otherwise a generation; results and errors are the same as for the typed records, which
/// stay the recommended path (they check every rule of the model before sending).
/// </summary>
public sealed record LumenfallModelRequest : LumenfallImageRequest
{
    /// <summary>Creates a request for a gateway model.</summary>
    /// <param name="modelId">The gateway's model id, for example <c>seedream-4</c>.</param>
    /// <param name="prompt">The prompt.</param>
    /// <param name="parameters">Other wire parameters (for example <c>size</c>, <c>n</c>), copied into <see cref="ImageRequest.AdditionalProperties"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="modelId"/> is empty.</exception>
    [SetsRequiredMembers]
    public LumenfallModelRequest(string modelId, string prompt, IEnumerable<KeyValuePair<string, JsonNode?>>? parameters = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        ModelId = modelId;
        Prompt = prompt;
        foreach ((string name, JsonNode? value) in parameters ?? [])
        {
            AdditionalProperties[name] = value?.DeepClone();
        }
    }

    /// <summary>Copies a request for <c>with</c>: the copy gets its own image list.</summary>
    /// <param name="original">The request copied.</param>
    private LumenfallModelRequest(LumenfallModelRequest original)
        : base(original)
    {
        ModelId = original.ModelId;
        Prompt = original.Prompt;
        Images = RecordLists.Copy(original.Images);
        Mask = original.Mask;
    }

    /// <summary>Whether two requests are for the same model with the same prompt, images (item by item), mask and settings.</summary>
    /// <param name="other">The other request.</param>
    /// <returns>Whether they are equal.</returns>
    public bool Equals(LumenfallModelRequest? other) =>
        ReferenceEquals(this, other)
        || (other is not null && base.Equals(other) && ModelId == other.ModelId && Prompt == other.Prompt
            && RecordLists.Equal(Images, other.Images) && Equals(Mask, other.Mask));

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(base.GetHashCode(), ModelId, Prompt, RecordLists.Hash(Images), Mask);

    /// <inheritdoc />
    [JsonIgnore]
    public override string ModelId { get; }

    /// <summary>Gets or sets the prompt (<c>prompt</c>).</summary>
    public required string Prompt { get; set; }

    /// <summary>Gets or sets input images; when any are given the request is an edit (one <c>image</c> part, or repeated <c>image[]</c> parts).</summary>
    public IList<ImageInput>? Images { get; set; }

    /// <summary>Gets or sets an edit mask (<c>mask</c>).</summary>
    public ImageInput? Mask { get; set; }

    /// <inheritdoc />
    internal override bool TrySetInputImages(IList<ImageInput> images)
    {
        Images = images;
        return true;
    }

    /// <inheritdoc />
    public override ImageMode Mode => Images is { Count: > 0 } || Mask is not null ? ImageMode.Edit : ImageMode.TextToImage;

    /// <inheritdoc />
    internal override string? PromptText => Prompt;

    /// <inheritdoc />
    internal override IReadOnlyList<FileParameter> FileParameters =>
        [new("image", Images?.ToList(), IsList: true, []), new("mask", Mask is null ? null : [Mask], IsList: false, [])];

    /// <inheritdoc />
    private protected override IReadOnlyList<string> WireNames => ["prompt"];

    /// <inheritdoc />
    private protected override JsonObject WireFields() => Prompt is null ? [] : new() { ["prompt"] = Prompt };

    /// <inheritdoc />
    private protected override void ValidateCore(RequestValidator validator)
    {
        validator.RequiredText("prompt", Prompt);
        if (ServerUrls.EscapePath(ModelId) is null || ModelId.Any(char.IsWhiteSpace))
        {
            validator.Add("model", ValidationRule.ModelId, $"'{ModelId}' is not a model id (no spaces, control characters, empty or '..' segments)");
        }

        validator.Items("image", Images, null, null, "image");
        if (Mask is not null && Images is not { Count: > 0 })
        {
            validator.Add("image", ValidationRule.MinItems, "an edit with a mask needs at least one image");
        }
    }
}
