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

    /// <summary>Gets the request record types for this model, one per mode.</summary>
    public IReadOnlyList<Type> RequestTypes { get; }

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

/// <summary>A model's limits; <see langword="null"/> means the model's page states none.</summary>
/// <param name="MaxInputImages">The most input images one request may carry.</param>
/// <param name="MaxOutputImages">The most images one request may produce.</param>
/// <param name="MinSide">The smallest width or height in pixels.</param>
/// <param name="MaxSide">The largest width or height in pixels.</param>
/// <param name="MaxWidth">The largest long side in pixels.</param>
/// <param name="MaxHeight">The largest short side in pixels.</param>
public sealed record ModelLimits(
    int? MaxInputImages = null,
    int? MaxOutputImages = null,
    int? MinSide = null,
    int? MaxSide = null,
    int? MaxWidth = null,
    int? MaxHeight = null);

/// <summary>An upstream provider that serves a model.</summary>
/// <param name="Key">The routing key, for example <c>fal/omnigen-v2</c>; usable as a forced provider.</param>
/// <param name="Name">The provider's name.</param>
/// <param name="ProviderModelId">The model's id at the provider.</param>
/// <param name="Pricing">The provider's price, as its page states it.</param>
/// <param name="Notes">Notes from the model's page.</param>
public sealed record ModelProvider(string Key, string Name, string ProviderModelId, string Pricing, IReadOnlyList<string> Notes);
