namespace Lumenfall.Sdk.Generator;

/// <summary>One model, read from its schema file: identity, catalog facts, modes and parameters.</summary>
internal sealed record ModelSpec(
    string SchemaFileName,
    string Id,
    IReadOnlyList<string> Aliases,
    string DisplayName,
    string Creator,
    string Service,
    string RecordPrefix,
    string Description,
    IReadOnlyList<ModeSpec> Modes,
    LimitsSpec Limits,
    IReadOnlyList<ProviderSpec> Providers,
    IReadOnlyList<string> PricingNotes,
    IReadOnlyList<PropertySpec> Properties);

/// <summary>A mode of a model and the record generated for it.</summary>
internal sealed record ModeSpec(string Name, string RecordName, IReadOnlyList<string> AlsoCovers)
{
    public bool Covers(IReadOnlyList<string> modes) =>
        modes.Count == 0 || modes.Contains(Name) || AlsoCovers.Any(modes.Contains);
}

/// <summary>A model's limits (x-model.limits).</summary>
internal sealed record LimitsSpec(int? MaxInputImages, int? MaxOutputImages, int? MinSide, int? MaxSide, int? MaxWidth, int? MaxHeight);

/// <summary>An upstream provider (x-model.providers[]).</summary>
internal sealed record ProviderSpec(string Key, string Name, string ModelId, string Pricing, IReadOnlyList<string> Notes);

/// <summary>The C# shape a parameter takes.</summary>
internal enum PropertyKind
{
    String,
    Integer,
    Long,
    Number,
    Boolean,
    StringList,
    Enum,
    ValueType,
    ImageInput,
    ImageInputList,

    /// <summary>An object with <c>properties</c>: a generated nested record (<see cref="PropertySpec.NestedProperties"/>).</summary>
    Object,

    /// <summary>An array of objects with <c>properties</c>: a list of generated nested records.</summary>
    ObjectList,

    /// <summary>An object without <c>properties</c> (free-form): a <c>JsonObject</c> sent as given.</summary>
    JsonObject,
}

/// <summary>One parameter of a model, with every rule the schema states for it.</summary>
internal sealed record PropertySpec
{
    public required string WireName { get; init; }

    public required string CSharpName { get; init; }

    public required PropertyKind Kind { get; init; }

    /// <summary>The C# type name for Enum, ValueType, Object and ObjectList kinds.</summary>
    public string? TypeName { get; init; }

    public required bool IsRequired { get; init; }

    public required string Description { get; init; }

    public string? DefaultText { get; init; }

    public decimal? Minimum { get; init; }

    public decimal? Maximum { get; init; }

    public bool ExclusiveMinimum { get; init; }

    public int? MinItems { get; init; }

    public int? MaxItems { get; init; }

    /// <summary>The closed (or known, when <see cref="EnumOpen"/>) values.</summary>
    public IReadOnlyList<string> EnumValues { get; init; } = [];

    public bool EnumOpen { get; init; }

    public IReadOnlyList<string> Modes { get; init; } = [];

    public IReadOnlyList<string> Providers { get; init; } = [];

    public IReadOnlyList<string> MediaTypes { get; init; } = [];

    public IReadOnlyList<string> Examples { get; init; } = [];

    /// <summary>True for image inputs sent as multipart file parts (format: binary).</summary>
    public bool IsFile { get; init; }

    /// <summary>Where local images may be uploaded for a URL parameter (x-upload), or null for URLs only.</summary>
    public string? Upload { get; init; }

    /// <summary>True for fal's preset-or-{width,height} image size union.</summary>
    public bool IsFalImageSize { get; init; }

    /// <summary>Preset names accepted by a fal image size.</summary>
    public IReadOnlyList<string> SizePresets { get; init; } = [];

    /// <summary>Pixel bounds of a fal image size's object form.</summary>
    public int? SizeMinSide { get; init; }

    public int? SizeMaxSide { get; init; }

    /// <summary>The properties of the nested record, for Object and ObjectList kinds.</summary>
    public IReadOnlyList<PropertySpec> NestedProperties { get; init; } = [];

    /// <summary>The nested record's description (the object schema's own, else the property's).</summary>
    public string NestedDescription { get; init; } = string.Empty;
}
