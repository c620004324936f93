namespace Lumenfall.Sdk;

/// <summary>What the SDK knows about one model: identity, service, modes, limits, providers and pricing notes.</summary>
public sealed class ModelDescriptor
{
    internal ModelDescriptor(
        string id,
        IReadOnlyList<string> aliases,
        string displayName,
        string creator,
        ImageService service,
        IReadOnlyList<ImageMode> modes,
        ModelLimits limits,
        IReadOnlyList<ModelProvider> providers,
        IReadOnlyList<string> pricingNotes,
        IReadOnlyList<Type> requestTypes,
        string schemaFileName)
    {
        Id = id;
        Aliases = aliases;
        DisplayName = displayName;
        Creator = creator;
        Service = service;
        Modes = modes;
        Limits = limits;
        Providers = providers;
        PricingNotes = pricingNotes;
        RequestTypes = requestTypes;
        SchemaFileName = schemaFileName;
    }

    /// <summary>Gets the model id used on the wire, for example <c>gpt-image-2</c> or <c>fal-ai/omnigen-v1</c>.</summary>
    public string Id { get; }

    /// <summary>Gets other names that resolve to this model.</summary>
    public IReadOnlyList<string> Aliases { get; }

    /// <summary>Gets the human-readable name, for example <c>GPT Image 2</c>.</summary>
    public string DisplayName { get; }

    /// <summary>Gets who made the model.</summary>
    public string Creator { get; }

    /// <summary>Gets the service that runs the model.</summary>
    public ImageService Service { get; }

    /// <summary>Gets the modes the model supports.</summary>
    public IReadOnlyList<ImageMode> Modes { get; }

    /// <summary>Gets the model's limits.</summary>
    public ModelLimits Limits { get; }

    /// <summary>Gets the upstream providers that can serve the model (Lumenfall routes between them).</summary>
    public IReadOnlyList<ModelProvider> Providers { get; }

    /// <summary>Gets pricing notes from the model's page.</summary>
    public IReadOnlyList<string> PricingNotes { get; }

    /// <summary>The request record types, in the order of <see cref="Modes"/> (one type may cover every mode).</summary>
    internal IReadOnlyList<Type> RequestTypes { get; }

    /// <summary>Gets the typed request record for one of the model's modes, for example <see cref="Flux2DevEditRequest"/> for <see cref="ImageMode.Edit"/>.</summary>
    /// <param name="mode">A mode the model has (see <see cref="Modes"/>).</param>
    /// <returns>The record type; it has a public parameterless constructor.</returns>
    /// <exception cref="ArgumentException">The model has no such mode.</exception>
    public Type RequestType(ImageMode mode)
    {
        int index = Modes.ToList().IndexOf(mode);
        return index < 0
            ? throw new ArgumentException($"{Id} has no {mode} mode (it has {string.Join(", ", Modes)}).", nameof(mode))
            : RequestTypes[RequestTypes.Count == 1 ? 0 : index];
    }


    /// <summary>Gets the file name of the model's JSON Schema, for example <c>gpt-image-2.schema.json</c>.</summary>
    public string SchemaFileName { get; }

    /// <summary>Opens the model's JSON Schema, embedded in the package.</summary>
    /// <returns>A read-only stream the caller disposes.</returns>
    public Stream OpenSchema() =>
        typeof(ModelDescriptor).Assembly.GetManifestResourceStream("Lumenfall.Sdk.Schemas." + SchemaFileName)
        ?? throw new InvalidOperationException($"The schema resource for {Id} is missing from the package.");

    /// <inheritdoc />
    public override string ToString() => $"{DisplayName} ({Id}, {Service})";
}
