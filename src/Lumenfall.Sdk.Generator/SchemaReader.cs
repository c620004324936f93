using System.Collections;
using System.Globalization;
using Newtonsoft.Json;
using NJsonSchema;

namespace Lumenfall.Sdk.Generator;

/// <summary>Loads a model schema with NJsonSchema (resolving <c>$ref</c>) and turns it into a <see cref="ModelSpec"/>.</summary>
internal static class SchemaReader
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

        IDictionary<string, object?> limits = Dict(model.TryGetValue("limits", out object? l) ? l : null) ?? new Dictionary<string, object?>();
        var limitsSpec = new LimitsSpec(
            Int(limits, "maxInputImages"), Int(limits, "maxOutputImages"), Int(limits, "minSide"),
            Int(limits, "maxSide"), Int(limits, "maxWidth"), Int(limits, "maxHeight"));

        var providers = List(model, "providers").Select(p => Dict(p)!).Select(p => new ProviderSpec(
            Text(p, "key") ?? string.Empty, Text(p, "name") ?? string.Empty, Text(p, "modelId") ?? string.Empty,
            Text(p, "pricing") ?? string.Empty, Strings(p, "notes"))).ToList();

        var properties = new List<PropertySpec>();
        foreach ((string wireName, JsonSchemaProperty property) in schema.Properties)
        {
            properties.Add(ReadProperty(fileName, prefix, wireName, property, schema.RequiredProperties.Contains(wireName)));
        }

        return new ModelSpec(
            fileName,
            Text(model, "id") ?? throw Fail(fileName, "x-model.id is missing"),
            Strings(model, "aliases"),
            Text(model, "displayName") ?? schema.Title ?? prefix,
            Text(model, "creator") ?? string.Empty,
            Text(model, "service") ?? throw Fail(fileName, "x-model.service is missing"),
            prefix,
            Clean(schema.Description),
            modes,
            limitsSpec,
            providers,
            Strings(model, "pricingNotes"),
            properties);
    }

    private static PropertySpec ReadProperty(string fileName, string prefix, string wireName, JsonSchemaProperty property, bool required)
    {
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
        if (valueType == "ImageInput")
        {
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
            typeName = Ext(property, "x-enum-name") as string ?? prefix + csharpName;
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
