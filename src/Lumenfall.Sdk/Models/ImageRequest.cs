using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Lumenfall.Sdk;

/// <summary>
/// The base of every typed request record. Each model and mode has a record generated from the model's JSON
/// Schema (for example <see cref="GptImage2GenerationRequest"/>); this base adds what all of them share:
/// <see cref="AdditionalProperties"/> and <see cref="Validate"/>.
/// </summary>
public abstract record ImageRequest
{
    private JsonObject? _additionalProperties;

    private protected ImageRequest()
    {
    }

    /// <summary>Copies a request for <c>with</c>: the copy gets its own <see cref="AdditionalProperties"/>, never a shared one.</summary>
    /// <param name="original">The request copied.</param>
    protected ImageRequest(ImageRequest original)
    {
        ArgumentNullException.ThrowIfNull(original);
        _additionalProperties = original._additionalProperties?.DeepClone().AsObject();
        Validation = original.Validation;
    }

    /// <summary>
    /// Whether two requests are equal: the same record type, parameters, validation level and additional properties,
    /// compared by their JSON (none and an empty set are the same, so reading <see cref="AdditionalProperties"/>
    /// changes nothing).
    /// </summary>
    /// <param name="other">The other request.</param>
    /// <returns>Whether they are equal.</returns>
    public virtual bool Equals(ImageRequest? other) =>
        ReferenceEquals(this, other)
        || (other is not null && EqualityContract == other.EqualityContract && Validation == other.Validation
            && JsonNode.DeepEquals(_additionalProperties is { Count: > 0 } mine ? mine : null, other._additionalProperties is { Count: > 0 } theirs ? theirs : null));

    /// <inheritdoc />
    public override int GetHashCode() =>
        HashCode.Combine(EqualityContract, Validation, _additionalProperties?.Count ?? 0);

    /// <summary>Gets the catalog id of the model this request is for, for example <c>gpt-image-2</c>.</summary>
    [JsonIgnore]
    public abstract string ModelId { get; }

    /// <summary>Gets the service that runs the model.</summary>
    [JsonIgnore]
    public abstract ImageService Service { get; }

    /// <summary>Gets the mode of this request.</summary>
    [JsonIgnore]
    public abstract ImageMode Mode { get; }

    /// <summary>
    /// Gets or sets extra wire parameters sent exactly as given, for a provider parameter the record does not
    /// have yet. A key may not repeat one of the record's own parameters (validation fails instead, so no value
    /// is silently dropped).
    /// </summary>
    [JsonIgnore]
    public JsonObject AdditionalProperties
    {
        get => _additionalProperties ??= [];
        set => _additionalProperties = value;
    }

    /// <summary>Gets the additional properties without creating them (reading <see cref="AdditionalProperties"/> would).</summary>
    private protected JsonObject? AdditionalPropertiesOrNull => _additionalProperties;

    /// <summary>Gets the wire names of the record's own parameters.</summary>
    private protected abstract IReadOnlyList<string> WireNames { get; }

    /// <summary>Gets wire names the transport fills in itself (for example <c>model</c>).</summary>
    private protected virtual IReadOnlyList<string> ReservedWireNames => [];

    /// <summary>Gets the names of the file parts the service's multipart protocol knows, when the request is sent as multipart.</summary>
    private protected virtual IReadOnlyList<string> ProtocolFileFields => [];

    /// <summary>Gets the prompt, for logs and traces when sensitive data is enabled.</summary>
    internal virtual string? PromptText => null;

    /// <summary>Gets how many images were asked for (<c>n</c> or <c>num_images</c>), for telemetry.</summary>
    internal virtual int? RequestedImageCount => null;

    /// <summary>Gets the size asked for (<c>size</c> or <c>image_size</c>), for telemetry.</summary>
    internal virtual string? RequestedSize => null;

    /// <summary>Gets the image inputs sent as multipart file parts, in schema order.</summary>
    internal virtual IReadOnlyList<FileParameter> FileParameters => [];

    /// <summary>Gets the image inputs sent as URLs in the JSON body, in schema order.</summary>
    internal virtual IReadOnlyList<FileParameter> UrlImageParameters => [];

    /// <summary>Returns a copy in which each URL image input found in <paramref name="replacements"/> is swapped (after an upload).</summary>
    internal virtual ImageRequest WithReplacedImages(IReadOnlyDictionary<ImageInput, ImageInput> replacements) => this;

    /// <summary>Swaps inputs in a list, keeping order; null stays null.</summary>
    private protected static IList<ImageInput>? Replace(IList<ImageInput>? inputs, IReadOnlyDictionary<ImageInput, ImageInput> replacements) =>
        inputs?.Select(i => replacements.TryGetValue(i, out ImageInput? replaced) ? replaced : i).ToList();

    /// <summary>Sets the model's input images (the record's image list); false when the record takes none.</summary>
    internal virtual bool TrySetInputImages(IList<ImageInput> images) => false;

    /// <summary>
    /// Gets the source-generated JSON metadata of the concrete record (generated records), which
    /// <see cref="SetParameter"/> and the catalog read; the wire JSON is written by <see cref="WriteWireFields"/>.
    /// </summary>
    private protected virtual JsonTypeInfo? JsonTypeInfo => null;

    /// <summary>
    /// Writes the record's own wire fields (those that are set, by wire name, in declaration order) into an open JSON
    /// object. Generated records override this; untyped ones return false and override <see cref="WireFields"/>.
    /// </summary>
    /// <param name="writer">The writer, inside an object.</param>
    /// <returns>Whether the record wrote its fields.</returns>
    private protected virtual bool WriteWireFields(Utf8JsonWriter writer) => false;

    /// <summary>The record's own wire fields as JSON (before <see cref="AdditionalProperties"/>).</summary>
    /// <returns>A new JSON object.</returns>
    private protected virtual JsonObject WireFields() =>
        JsonNode.Parse(Serialization.PooledJsonWriter.Write(this, null, null, static (request, writer) => request.WriteWireFields(writer))
            ?? throw new InvalidOperationException($"{GetType().Name} has no JSON writer."))!.AsObject();

    /// <summary>
    /// Sets a parameter by its wire name: the record's own property when it has one (the JSON value converted to the
    /// property's type, as the service's JSON would be read), otherwise <see cref="AdditionalProperties"/>, sent as
    /// given. For callers that hold parameters as name/value pairs (configuration, a command line, an
    /// <c>IImageGenerator</c>'s options) and still want the typed record's checks.
    /// </summary>
    /// <param name="wireName">The parameter's wire name, for example <c>n</c> or <c>output_format</c>.</param>
    /// <param name="value">The value as JSON; null clears a typed property and sends JSON null otherwise.</param>
    /// <returns>This request.</returns>
    /// <exception cref="ArgumentException"><paramref name="wireName"/> is empty.</exception>
    /// <exception cref="LumenfallValidationException">The value does not convert to the typed property's type (rule <c>parameter-type</c>).</exception>
    public virtual ImageRequest SetParameter(string wireName, JsonNode? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(wireName);
        JsonPropertyInfo? property = null;
        foreach (JsonPropertyInfo candidate in JsonTypeInfo?.Properties ?? [])
        {
            if (candidate.Set is not null && string.Equals(candidate.Name, wireName, StringComparison.Ordinal))
            {
                property = candidate;
                break;
            }
        }

        if (property is null)
        {
            AdditionalProperties[wireName] = value?.DeepClone();
            return this;
        }

        object? converted;
        try
        {
            converted = value is null ? null : JsonSerializer.Deserialize(value, property.Options.GetTypeInfo(property.PropertyType));
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or NotSupportedException or ArgumentException)
        {
            throw new LumenfallValidationException(
                [new ValidationError(wireName, ValidationRule.ParameterType, $"takes {KindOf(property.PropertyType)}; {Describe(value)} is not one")], ModelId);
        }

        property.Set!(this, converted);
        return this;
    }

    /// <summary>The value as the caller wrote it: text in single quotes, anything else as JSON; cut at 60 characters.</summary>
    private static string Describe(JsonNode? value)
    {
        string text = value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? $"'{v.GetValue<string>()}'" : value?.ToJsonString() ?? "null";
        return text.Length <= 60 ? text : text[..57] + "...";
    }

    /// <summary>What a parameter of this type takes, in plain words ("a whole number", not "Int64").</summary>
    private static string KindOf(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type == typeof(int) || type == typeof(long) || type == typeof(short) ? "a whole number"
            : type == typeof(double) || type == typeof(float) || type == typeof(decimal) ? "a number"
            : type == typeof(bool) ? "a boolean (true or false)"
            : type == typeof(ImageInput) ? "an image (a URL or a file)"
            : type == typeof(ImageSize) ? "a size (a preset name or WIDTHxHEIGHT)"
            : typeof(System.Collections.IEnumerable).IsAssignableFrom(type) && type != typeof(string) ? "a list"
            : "a text value";
    }

    /// <summary>
    /// Gets or sets how strictly this request is checked before it is sent; null uses the client's
    /// <see cref="LumenfallOptions.Validation"/> (and <see cref="Validate"/> without a level uses <see cref="ValidationLevel.Strict"/>).
    /// </summary>
    [JsonIgnore]
    public ValidationLevel? Validation { get; set; }

    /// <summary>
    /// Checks every rule from the model's schema (required parameters, ranges, closed value sets, input image
    /// counts and types, size syntax and limits) without any I/O.
    /// </summary>
    /// <param name="level">How strictly to check; null uses <see cref="Validation"/>, else <see cref="ValidationLevel.Strict"/>.</param>
    /// <returns>The broken rules the level lets through: the request is sent with them as given.</returns>
    /// <exception cref="LumenfallValidationException">One or more rules the level enforces are broken; every one is listed.</exception>
    public IReadOnlyList<ValidationError> Validate(ValidationLevel? level = null)
    {
        var validator = new RequestValidator(level ?? Validation ?? ValidationLevel.Strict);
        ValidateCore(validator);
        ValidateCommon(validator);
        IReadOnlyList<FileParameter> images = [.. FileParameters, .. UrlImageParameters];
        foreach (FileParameter parameter in images)
        {
            IReadOnlyList<ImageInput> inputs = parameter.Inputs ?? [];
            for (int i = 0; i < inputs.Count; i++)
            {
                string name = parameter.IsList ? $"{parameter.WireName}[{i}]" : parameter.WireName;
                if (inputs[i] is { MediaType: { } declared } && !System.Net.Http.Headers.MediaTypeHeaderValue.TryParse(declared, out _))
                {
                    validator.Add(name, ValidationRule.HeaderValue, $"the declared media type '{declared}' is not a media type such as image/png (it is sent as a Content-Type header)");
                }
                else if (inputs[i] is { Kind: ImageInputKind.Bytes } input && ImageMediaTypes.Mismatch(input.MediaType, input.Bytes.Span) is string mismatch)
                {
                    validator.Add(name, ValidationRule.MediaType, mismatch);
                }
            }
        }

        if (_additionalProperties is { Count: > 0 })
        {
            foreach (KeyValuePair<string, JsonNode?> pair in _additionalProperties)
            {
                validator.FiniteJson(pair.Key, pair.Value);
                if (pair.Key.Length == 0 || pair.Key.Any(c => char.IsControl(c) || c == '"'))
                {
                    validator.Add(pair.Key, ValidationRule.HeaderValue, "a parameter name must not be empty or contain quotes or control characters (it can name a form field)");
                }
                if (images.Any(p => pair.Key == p.WireName || pair.Key == p.WireName + "[]"))
                {
                    validator.Add(pair.Key, ValidationRule.ReservedParameter,
                        $"is an image parameter of {GetType().Name}; set the typed property instead of AdditionalProperties[\"{pair.Key}\"]");
                }
                else if (ProtocolFileFields.Contains(pair.Key, StringComparer.Ordinal))
                {
                    validator.Add(pair.Key, ValidationRule.FileField,
                        $"is a file part of the multipart edit, and {ModelId} takes no {pair.Key}: AdditionalProperties would send it as a text field");
                }
                else if (ReservedWireNames.Contains(pair.Key, StringComparer.Ordinal))
                {
                    validator.Add(pair.Key, ValidationRule.ReservedParameter, "is filled in by the SDK and cannot be set through AdditionalProperties");
                }
                else if (WireNames.Contains(pair.Key, StringComparer.Ordinal))
                {
                    validator.Add(pair.Key, ValidationRule.DuplicateParameter,
                        $"is a parameter of {GetType().Name}; set the typed property, or send a value of another shape through AdditionalProperties[\"{pair.Key}\"], which then replaces it");
                }
            }
        }

        validator.ThrowIfInvalid(ModelId);
        return validator.Warnings;
    }

    /// <summary>
    /// The JSON body: <paramref name="firstName"/> (for example <c>model</c>) first when given, then the record's wire
    /// fields and <see cref="AdditionalProperties"/>. A typed record without additional properties is written straight
    /// by its generated writer, with no JSON tree and no serializer metadata in between.
    /// </summary>
    internal byte[] ToJsonBytes(string? firstName = null, string? firstValue = null)
    {
        if (_additionalProperties is not { Count: > 0 }
            && Serialization.PooledJsonWriter.Write(this, firstName, firstValue, static (request, writer) => request.WriteWireFields(writer)) is { } written)
        {
            return written;
        }

        JsonObject json = ToJsonObject();
        if (firstName is not null)
        {
            var ordered = new JsonObject { [firstName] = firstValue };
            foreach (string name in json.Select(p => p.Key).ToList())
            {
                JsonNode? value = json[name];
                json.Remove(name);
                ordered[name] = value;
            }

            json = ordered;
        }

        return JsonSerializer.SerializeToUtf8Bytes(json, Serialization.SdkJsonContext.Default.JsonObject);
    }

    /// <summary>Serializes the JSON parameters (wire names, only the values that are set, plus <see cref="AdditionalProperties"/>).</summary>
    /// <returns>A new JSON object the caller owns; <see cref="AdditionalProperties"/> are copied, never moved.</returns>
    internal JsonObject ToJsonObject()
    {
        JsonObject json = WireFields();
        if (_additionalProperties is not null)
        {
            foreach (KeyValuePair<string, JsonNode?> pair in _additionalProperties)
            {
                json[pair.Key] = pair.Value?.DeepClone();
            }
        }

        return json;
    }

    /// <summary>Checks the record's own rules.</summary>
    /// <param name="validator">Collects broken rules.</param>
    private protected abstract void ValidateCore(RequestValidator validator);

    /// <summary>Checks rules shared by every record of a service.</summary>
    /// <param name="validator">Collects broken rules.</param>
    private protected virtual void ValidateCommon(RequestValidator validator)
    {
    }
}

/// <summary>An image parameter sent as multipart file parts.</summary>
/// <param name="WireName">The parameter's wire name, for example <c>image</c> or <c>mask</c>.</param>
/// <param name="Inputs">The images, or null when unset.</param>
/// <param name="IsList">Whether the parameter takes several images (sent as repeated <c>name[]</c> parts when there are more than one).</param>
/// <param name="MediaTypes">The media types the parameter accepts; empty when any.</param>
internal readonly record struct FileParameter(string WireName, IReadOnlyList<ImageInput>? Inputs, bool IsList, IReadOnlyList<string> MediaTypes);
