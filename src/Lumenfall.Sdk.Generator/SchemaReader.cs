using System.Collections;
using System.Globalization;
using Newtonsoft.Json;
using NJsonSchema;

namespace Lumenfall.Sdk.Generator;

/// <summary>
/// Loads a model schema with NJsonSchema (resolving <c>$ref</c>) and turns it into a <see cref="ModelSpec"/>; the rules a
/// schema must follow are checked in <c>SchemaReader.Checks.cs</c>.
/// </summary>
internal static partial class SchemaReader
{
    private static readonly string[] ValueTypes = ["ImageSize", "AspectRatio", "OutputFormat", "ResponseFormat", "ImageInput"];

    public static async Task<ModelSpec> ReadFileAsync(string path)
    {
        JsonSchema schema = await JsonSchema.FromFileAsync(path).ConfigureAwait(false);
        return Read(schema, Path.GetFileName(path));
    }

    public static async Task<ModelSpec> ReadJsonAsync(string json, string schemaFileName)
    {
        JsonSchema schema = await JsonSchema.FromJsonAsync(json).ConfigureAwait(false);
        return Read(schema, schemaFileName);
    }

    private static ModelSpec Read(JsonSchema schema, string fileName)
    {
        IDictionary<string, object?> model = Dict(Ext(schema, "x-model"))
            ?? throw Fail(fileName, "has no x-model object");
        string prefix = Text(model, "recordPrefix") ?? throw Fail(fileName, "x-model.recordPrefix is missing");

        var modes = List(model, "modes").Select(m => Dict(m) ?? throw Fail(fileName, "x-model.modes holds a non-object"))
            .Select(m => new ModeSpec(
                Text(m, "name") ?? throw Fail(fileName, "a mode has no name"),
                Text(m, "record") ?? throw Fail(fileName, "a mode has no record"),
                Strings(m, "alsoCovers")))
            .ToList();
        if (modes.Count == 0)
        {
            throw Fail(fileName, "x-model.modes is empty");
        }

        CheckModes(fileName, modes);
        string service = Text(model, "service") ?? throw Fail(fileName, "x-model.service is missing");

        IDictionary<string, object?> limits = Dict(model.TryGetValue("limits", out object? l) ? l : null) ?? new Dictionary<string, object?>();
        var limitsSpec = new LimitsSpec(
            Int(limits, "maxInputImages"), Int(limits, "maxOutputImages"), Int(limits, "minSide"),
            Int(limits, "maxSide"), Int(limits, "maxWidth"), Int(limits, "maxHeight"));

        var providers = List(model, "providers").Select(p => Dict(p)!).Select(p => new ProviderSpec(
            Text(p, "key") ?? string.Empty, Text(p, "name") ?? string.Empty, Text(p, "modelId") ?? string.Empty,
            Text(p, "pricing") ?? string.Empty, Strings(p, "notes"))).ToList();

        var context = new ReadContext(fileName);
        var properties = new List<PropertySpec>();
        foreach ((string wireName, JsonSchemaProperty property) in schema.Properties)
        {
            properties.Add(ReadProperty(context, prefix, wireName, property, schema.RequiredProperties.Contains(wireName), nested: false));
        }

        CheckProperties(fileName, service, modes, properties);

        return new ModelSpec(
            fileName,
            Text(model, "id") ?? throw Fail(fileName, "x-model.id is missing"),
            Strings(model, "aliases"),
            Text(model, "displayName") ?? schema.Title ?? prefix,
            Text(model, "creator") ?? string.Empty,
            service,
            prefix,
            Clean(schema.Description),
            modes,
            limitsSpec,
            providers,
            Strings(model, "pricingNotes"),
            properties);
    }

    /// <summary>What reading one schema shares across properties: its file name and the nested records made so far.</summary>
    private sealed record ReadContext(string FileName)
    {
        /// <summary>Nested record names, with the object schema each was made from.</summary>
        public Dictionary<string, JsonSchema> NestedTypes { get; } = new(StringComparer.Ordinal);

        /// <summary>The object schemas being read, outermost first (an object inside itself is refused).</summary>
        public HashSet<JsonSchema> Reading { get; } = [];
    }

    /// <summary>Reads one parameter; <paramref name="owner"/> prefixes the names of enums and records made for it.</summary>
    private static PropertySpec ReadProperty(ReadContext context, string owner, string wireName, JsonSchemaProperty property, bool required, bool nested)
    {
        string fileName = context.FileName;
        string? valueType = Ext(property, "x-value-type") as string;
        if (valueType is not null && !ValueTypes.Contains(valueType))
        {
            throw Fail(fileName, $"property '{wireName}' names unknown x-value-type '{valueType}' (known: {string.Join(", ", ValueTypes)})");
        }

        string csharpName = Ext(property, "x-csharp-name") as string ?? Naming.Pascal(wireName);
        JsonSchema actual = property.ActualSchema;
        bool isArray = actual.Type.HasFlag(JsonObjectType.Array);
        JsonSchema? item = isArray ? actual.Item?.ActualSchema : null;
        IReadOnlyList<string> enumValues = actual.Enumeration.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)!).ToList();

        PropertyKind kind;
        string? typeName = null;
        JsonSchema? objectSchema = null;
        if (valueType == "ImageInput")
        {
            if (nested)
            {
                throw Fail(fileName, $"property '{wireName}' is an image input inside an object; image inputs are supported as top-level parameters only");
            }

            kind = isArray ? PropertyKind.ImageInputList : PropertyKind.ImageInput;
        }
        else if (valueType is not null)
        {
            kind = PropertyKind.ValueType;
            typeName = valueType;
        }
        else if (enumValues.Count > 0)
        {
            kind = PropertyKind.Enum;
            typeName = Ext(property, "x-enum-name") as string ?? owner + csharpName;
            CheckEnumNames(fileName, wireName, typeName, enumValues);
        }
        else if (IsObject(actual))
        {
            objectSchema = actual;
            kind = objectSchema.Properties.Count > 0 ? PropertyKind.Object : PropertyKind.JsonObject;
        }
        else if (isArray && item is not null && IsObject(item) && item.Properties.Count > 0)
        {
            objectSchema = item;
            kind = PropertyKind.ObjectList;
        }
        else
        {
            kind = actual.Type switch
            {
                JsonObjectType.String => PropertyKind.String,
                JsonObjectType.Integer when actual.Format == "int64" => PropertyKind.Long,
                JsonObjectType.Integer => PropertyKind.Integer,
                JsonObjectType.Number => PropertyKind.Number,
                JsonObjectType.Boolean => PropertyKind.Boolean,
                JsonObjectType.Array when item?.Type == JsonObjectType.String => PropertyKind.StringList,
                _ => throw Fail(fileName, $"property '{wireName}' has a shape the generator does not map: type {actual.Type}"),
            };
        }

        var spec = new PropertySpec
        {
            WireName = wireName,
            CSharpName = csharpName,
            Kind = kind,
            TypeName = typeName,
            IsRequired = required,
            Description = Clean(property.Description),
            DefaultText = property.Default is null ? null : JsonConvert.SerializeObject(property.Default),
            Minimum = actual.Minimum ?? actual.ExclusiveMinimum,
            Maximum = actual.Maximum,
            ExclusiveMinimum = actual.ExclusiveMinimum is not null || actual.IsExclusiveMinimum,
            MinItems = isArray && actual.MinItems > 0 ? actual.MinItems : null,
            MaxItems = isArray && actual.MaxItems > 0 ? actual.MaxItems : null,
            EnumValues = enumValues,
            EnumOpen = Ext(property, "x-enum-open") is true,
            Modes = Strings(property.ExtensionData, "x-modes"),
            Providers = Strings(property.ExtensionData, "x-providers"),
            MediaTypes = Strings(property.ExtensionData, "x-media-types"),
            Examples = Strings(property.ExtensionData, "examples"),
            IsFile = (isArray ? item?.Format : actual.Format) == "binary",
            Upload = Ext(property, "x-upload") as string,
        };

        if (kind is PropertyKind.Object or PropertyKind.ObjectList)
        {
            spec = ReadNested(context, owner, spec, property, objectSchema!);
        }

        if (valueType == "ImageSize" && property.AnyOf.Count > 0)
        {
            JsonSchema objectForm = property.AnyOf.Select(s => s.ActualSchema).FirstOrDefault(s => s.Properties.ContainsKey("width"))
                ?? throw Fail(fileName, $"property '{wireName}' is an image size union without a {{width,height}} branch");
            JsonSchema? presetForm = property.AnyOf.Select(s => s.ActualSchema).FirstOrDefault(s => s.Enumeration.Count > 0);
            JsonSchemaProperty width = objectForm.Properties["width"];
            spec = spec with
            {
                IsFalImageSize = true,
                SizePresets = presetForm?.Enumeration.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)!).ToList() ?? [],
                SizeMinSide = width.Minimum is decimal min ? (int)min : width.ExclusiveMinimum is decimal exMin ? (int)exMin + 1 : 1,
                SizeMaxSide = width.Maximum is decimal max ? (int)max : null,
            };
        }

        return spec;
    }

    /// <summary>
    /// An object parameter with <c>properties</c> becomes a nested record named by <c>x-type-name</c>, else by the
    /// owner and the property (<c>TestModel</c> + <c>Controlnet</c>). One object schema reached through two
    /// properties (a shared <c>$ref</c>) with the same name is one record.
    /// </summary>
    private static PropertySpec ReadNested(ReadContext context, string owner, PropertySpec spec, JsonSchemaProperty property, JsonSchema objectSchema)
    {
        string typeName = Ext(property, "x-type-name") as string ?? Ext(objectSchema, "x-type-name") as string ?? owner + spec.CSharpName;
        if (context.NestedTypes.TryGetValue(typeName, out JsonSchema? existing) && !ReferenceEquals(existing, objectSchema))
        {
            throw Fail(context.FileName, $"property '{spec.WireName}' needs a record named {typeName}, which another object already uses; name one with x-type-name");
        }

        if (!context.Reading.Add(objectSchema))
        {
            throw Fail(context.FileName, $"property '{spec.WireName}' holds the object it is part of; recursive objects are not supported");
        }

        context.NestedTypes[typeName] = objectSchema;
        var nestedProperties = new List<PropertySpec>();
        foreach ((string name, JsonSchemaProperty nestedProperty) in objectSchema.Properties)
        {
            nestedProperties.Add(ReadProperty(context, typeName, name, nestedProperty, objectSchema.RequiredProperties.Contains(name), nested: true));
        }

        context.Reading.Remove(objectSchema);

        CheckNames(context.FileName, $"the object '{spec.WireName}'", nestedProperties, [typeName]);
        return spec with
        {
            TypeName = typeName,
            NestedProperties = nestedProperties,
            NestedDescription = Clean(objectSchema.Description) is { Length: > 0 } own ? own : spec.Description,
        };
    }

    private static bool IsObject(JsonSchema schema) =>
        schema.Type.HasFlag(JsonObjectType.Object) || (schema.Type == JsonObjectType.None && schema.Properties.Count > 0);

    private static object? Ext(JsonSchema schema, string key) =>
        schema.ExtensionData is { } data && data.TryGetValue(key, out object? value) ? value : null;

    private static IDictionary<string, object?>? Dict(object? value) => value switch
    {
        IDictionary<string, object?> d => d,
        Newtonsoft.Json.Linq.JObject j => j.ToObject<Dictionary<string, object?>>(),
        _ => null,
    };

    private static IEnumerable<object?> List(IDictionary<string, object?>? source, string key) =>
        source is not null && source.TryGetValue(key, out object? value) && value is IEnumerable list and not string
            ? list.Cast<object?>()
            : [];

    private static IReadOnlyList<string> Strings(IDictionary<string, object?>? source, string key) =>
        List(source, key).Select(v => Convert.ToString(v, CultureInfo.InvariantCulture) ?? string.Empty).ToList();

    private static string? Text(IDictionary<string, object?> source, string key) =>
        source.TryGetValue(key, out object? value) ? value as string : null;

    private static int? Int(IDictionary<string, object?> source, string key) =>
        source.TryGetValue(key, out object? value) && value is not null ? Convert.ToInt32(value, CultureInfo.InvariantCulture) : null;

    /// <summary>Collapses the whitespace runs provider descriptions carry (indentation, newlines).</summary>
    private static string Clean(string? text) =>
        string.Join(' ', (text ?? string.Empty).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static InvalidDataException Fail(string fileName, string problem) => new($"{fileName}: {problem}.");
}
