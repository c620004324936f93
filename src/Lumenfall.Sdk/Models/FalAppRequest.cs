using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Lumenfall.Sdk.Http;

namespace Lumenfall.Sdk;

/// <summary>
/// A request for any fal app (<c>owner/app</c> or <c>owner/app/path</c>, for example <c>fal-ai/flux/dev</c>) with a
/// JSON input, without a typed record: the escape hatch for an app the SDK does not ship a record for. It runs
/// like the typed fal records (queue or sync, status, logs, cancel, resume). Images set with <see cref="SetImage"/>
/// or <see cref="SetImages"/> may be local (files, streams, bytes): they are uploaded to fal storage (or inlined, see
/// <see cref="FalServiceOptions.LocalImages"/>) and their URLs put into the input. The result maps an output's
/// <c>images[]</c> or <c>image</c> to <see cref="ImageGenerationResult.Images"/>, and always carries the output in
/// <see cref="ImageGenerationResult.RawOutput"/>.
/// </summary>
public sealed record FalAppRequest : FalImageRequest
{
    private Dictionary<string, (IList<ImageInput> Inputs, bool IsList)> _images = new(StringComparer.Ordinal);

    /// <summary>Creates a request for a fal app.</summary>
    /// <param name="appId">The app id, for example <c>fal-ai/flux/dev</c>.</param>
    /// <param name="input">The app's input, sent as the JSON body (copied).</param>
    /// <exception cref="ArgumentException"><paramref name="appId"/> is empty.</exception>
    public FalAppRequest(string appId, JsonObject? input = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(appId);
        ModelId = appId;
        Input = input?.DeepClone().AsObject() ?? [];
    }

    /// <summary>Copies a request for <c>with</c>: the copy gets its own input and image fields.</summary>
    /// <param name="original">The request copied.</param>
    private FalAppRequest(FalAppRequest original)
        : base(original)
    {
        ModelId = original.ModelId;
        Input = original.Input.DeepClone().AsObject();
        _images = original._images.ToDictionary(p => p.Key, p => ((IList<ImageInput>)[.. p.Value.Inputs], p.Value.IsList), StringComparer.Ordinal);
    }

    /// <summary>Whether two requests are for the same app with equal input (compared as JSON), image fields and settings.</summary>
    /// <param name="other">The other request.</param>
    /// <returns>Whether they are equal.</returns>
    public bool Equals(FalAppRequest? other) =>
        ReferenceEquals(this, other)
        || (other is not null && base.Equals(other) && ModelId == other.ModelId && JsonNode.DeepEquals(Input, other.Input)
            && _images.Count == other._images.Count
            && _images.All(p => other._images.TryGetValue(p.Key, out (IList<ImageInput> Inputs, bool IsList) theirs)
                && p.Value.IsList == theirs.IsList && RecordLists.Equal(p.Value.Inputs, theirs.Inputs)));

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(base.GetHashCode(), ModelId, Input.Count, _images.Count);

    /// <summary>Gets the fal app id (the URL path of the app).</summary>
    [JsonIgnore]
    public override string ModelId { get; }

    /// <summary>Gets the app's input, sent as the JSON body; image fields set with <see cref="SetImage"/> are added to it when sent.</summary>
    public JsonObject Input { get; }

    /// <inheritdoc />
    public override ImageMode Mode => _images.Count > 0 ? ImageMode.Edit : ImageMode.TextToImage;

    /// <inheritdoc />
    internal override string? PromptText => Input.TryGetPropertyValue("prompt", out JsonNode? prompt) && prompt is JsonValue value && value.TryGetValue(out string? text) ? text : null;

    /// <inheritdoc />
    internal override IReadOnlyList<FileParameter> UrlImageParameters =>
        [.. _images.Select(p => new FileParameter(p.Key, [.. p.Value.Inputs], p.Value.IsList, []))];

    /// <inheritdoc />
    private protected override IReadOnlyList<string> WireNames => [];

    /// <summary>fal's usual fields: one image goes to <c>image_url</c>, several to <c>image_urls</c>.</summary>
    internal override bool TrySetInputImages(IList<ImageInput> images)
    {
        _ = images.Count == 1 ? SetImage("image_url", images[0]) : SetImages("image_urls", images);
        return true;
    }

    /// <summary>Sets an input field of the app (<see cref="Input"/>): an untyped request has no typed properties.</summary>
    /// <param name="wireName">The field's name.</param>
    /// <param name="value">The value as JSON.</param>
    /// <returns>This request.</returns>
    public override ImageRequest SetParameter(string wireName, JsonNode? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(wireName);
        Input[wireName] = value?.DeepClone();
        return this;
    }

    /// <summary>Sets an input field that takes one image URL (fal's usual <c>image_url</c>).</summary>
    /// <param name="field">The input field, for example <c>image_url</c>.</param>
    /// <param name="image">The image: a URL is sent as is, a local image is uploaded first.</param>
    /// <returns>This request.</returns>
    public FalAppRequest SetImage(string field, ImageInput image)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(field);
        ArgumentNullException.ThrowIfNull(image);
        _images[field] = ([image], false);
        return this;
    }

    /// <summary>Sets an input field that takes a list of image URLs (for example <c>image_urls</c>).</summary>
    /// <param name="field">The input field.</param>
    /// <param name="images">The images: URLs are sent as they are, local images are uploaded first.</param>
    /// <returns>This request.</returns>
    public FalAppRequest SetImages(string field, IEnumerable<ImageInput> images)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(field);
        ArgumentNullException.ThrowIfNull(images);
        _images[field] = ([.. images], true);
        return this;
    }

    /// <inheritdoc />
    internal override ImageRequest WithReplacedImages(IReadOnlyDictionary<ImageInput, ImageInput> replacements)
    {
        var copy = new FalAppRequest(this);
        foreach ((string field, (IList<ImageInput> inputs, bool isList)) in _images)
        {
            copy._images[field] = (Replace(inputs, replacements)!, isList);
        }

        return copy;
    }

    /// <inheritdoc />
    private protected override JsonObject WireFields()
    {
        JsonObject json = Input.DeepClone().AsObject();
        foreach ((string field, (IList<ImageInput> inputs, bool isList)) in _images)
        {
            json[field] = isList ? new JsonArray([.. inputs.Select(i => (JsonNode?)UrlOf(i, field))]) : UrlOf(inputs[0], field);
        }

        return json;
    }

    /// <inheritdoc />
    private protected override void ValidateCore(RequestValidator validator)
    {
        string[] segments = ModelId.Split('/');
        if (segments.Length < 2 || ServerUrls.EscapePath(ModelId) is null || ModelId.Any(char.IsWhiteSpace))
        {
            validator.Add("app", ValidationRule.ModelId, $"'{ModelId}' is not a fal app id such as fal-ai/flux/dev (owner/app or owner/app/path)");
        }

        validator.FiniteJson("input", Input);
        foreach (KeyValuePair<string, JsonNode?> pair in AdditionalPropertiesOrNull ?? [])
        {
            if (Input.ContainsKey(pair.Key))
            {
                validator.Add(pair.Key, ValidationRule.DuplicateParameter, "is set both in Input and in AdditionalProperties; keep one (AdditionalProperties would win)");
            }
        }
        foreach ((string field, (IList<ImageInput> inputs, _)) in _images)
        {
            if (Input.ContainsKey(field))
            {
                validator.Add(field, ValidationRule.ReservedParameter, "is set both in Input and as an image; keep one");
            }

            validator.Items(field, inputs.ToList(), null, null, "image");
        }
    }

    private static JsonValue UrlOf(ImageInput input, string field) =>
        input.Kind == ImageInputKind.Url
            ? JsonValue.Create(input.Url!)
            : throw new InvalidOperationException($"The local image for {field} must be uploaded before the request is written.");
}
