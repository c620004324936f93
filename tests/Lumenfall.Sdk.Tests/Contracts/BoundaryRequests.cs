using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Lumenfall.Sdk.Tests.TestSupport;

namespace Lumenfall.Sdk.Tests.Contracts;

/// <summary>
/// Request variants for one typed record: the seed page's examples, then one variant per boundary the model's own
/// schema (the SDK's embedded <c>Schemas/*.schema.json</c>, the source the record was generated from) declares for a
/// parameter of the record's mode: the minimum and the maximum of each ranged number, each allowed value of each closed
/// set, true and false, sizes at the model's limits, the fewest and most input images; then every parameter at once
/// and each forced provider. Each variant starts from the first seed and changes one thing.
/// </summary>
internal static class BoundaryRequests
{
    private const string Png = "image/png";

    public static IReadOnlyDictionary<string, Func<ImageRequest>> For<TRequest>(params (string Name, Func<TRequest> Create)[] seeds)
        where TRequest : ImageRequest
    {
        Func<TRequest> first = seeds[0].Create;
        TRequest sample = first();
        ModelDescriptor model = ModelCatalog.All.Single(m => m.RequestTypes.Contains(typeof(TRequest)));
        string mode = sample.Mode == ImageMode.Edit ? "edit" : "text-to-image";

        var variants = new Dictionary<string, Func<ImageRequest>>(StringComparer.Ordinal);
        foreach ((string name, Func<TRequest> create) in seeds)
        {
            variants.Add("seed example: " + name, create);
        }

        using JsonDocument schema = JsonDocument.Parse(model.OpenSchema());
        var everyParameter = new List<(PropertyInfo Property, object? Value)>();
        foreach (JsonProperty parameter in schema.RootElement.GetProperty("properties").EnumerateObject())
        {
            if (!parameter.Value.TryGetProperty("x-modes", out JsonElement modes) || !modes.EnumerateArray().Any(m => m.GetString() == mode))
            {
                continue;
            }

            PropertyInfo property = ClrProperty(typeof(TRequest), parameter.Name, parameter.Value);
            List<(string Label, object? Value)> values = Boundaries(parameter.Name, parameter.Value, model.Limits);
            foreach ((string label, object? value) in values)
            {
                variants.Add($"{parameter.Name}={label}", () => With(first(), property, value));
            }

            if (values.Count > 0)
            {
                everyParameter.Add((property, values[^1].Value));
            }
        }

        variants.Add("every parameter set", () =>
        {
            TRequest request = first();
            foreach ((PropertyInfo property, object? value) in everyParameter)
            {
                With(request, property, value);
            }

            return request;
        });

        if (sample is LumenfallImageRequest)
        {
            foreach (string provider in model.Providers.Select(p => p.Key.Split('/')[0]).Distinct())
            {
                variants.Add("forced provider " + provider, () => With(first(), typeof(LumenfallImageRequest).GetProperty(nameof(LumenfallImageRequest.Provider))!, provider));
            }
        }

        return variants;
    }

    /// <summary>The boundary values of one parameter, each with a label; empty for the prompt's own seed value.</summary>
    private static List<(string Label, object? Value)> Boundaries(string wireName, JsonElement parameter, ModelLimits limits)
    {
        string? valueType = parameter.TryGetProperty("x-value-type", out JsonElement v) ? v.GetString() : null;
        string? type = parameter.TryGetProperty("type", out JsonElement t) ? t.GetString() : null;

        if (valueType == "ImageInput")
        {
            return ImageBoundaries(parameter, type);
        }

        if (valueType == "ImageSize")
        {
            return [.. SizeBoundaries(parameter, limits).Select(s => (s, (object?)new ImageSize(s)))];
        }

        if (valueType == "AspectRatio")
        {
            return [.. Strings(parameter, "examples").Append("1:1").Distinct().Select(s => (s, (object?)new AspectRatio(s)))];
        }

        if (parameter.TryGetProperty("enum", out _))
        {
            return [.. Strings(parameter, "enum").Select(s => (s, (object?)s))];
        }

        switch (type)
        {
            case "boolean":
                return [("true", true), ("false", false)];
            case "integer" or "number":
                return NumberBoundaries(parameter, type);
            case "string" when wireName is "prompt":
                return [("one character (minLength 1)", "x")];
            case "string":
                List<string> examples = Strings(parameter, "examples");
                return examples.Count > 0 ? [.. examples.Select(s => (s, (object?)s))] : [("a value", "sample-" + wireName)];
            default:
                throw new InvalidOperationException($"No boundaries for parameter {wireName} of type {type}.");
        }
    }

    private static List<(string Label, object? Value)> NumberBoundaries(JsonElement parameter, string type)
    {
        var values = new List<(string, object?)>();
        bool integer = type == "integer";
        foreach (string bound in new[] { "minimum", "maximum" })
        {
            if (parameter.TryGetProperty(bound, out JsonElement limit))
            {
                values.Add(($"{bound} {limit.GetRawText()}", integer ? limit.GetInt64() : limit.GetDouble()));
            }
        }

        if (values.Count == 0)
        {
            // No range: the int64 extremes a seed may take, else the default or one typical value.
            if (parameter.TryGetProperty("format", out JsonElement format) && format.GetString() == "int64")
            {
                values.Add(("0", 0L));
                values.Add(("int64 max", long.MaxValue));
            }
            else if (parameter.TryGetProperty("default", out JsonElement fallback))
            {
                values.Add(($"default {fallback.GetRawText()}", integer ? fallback.GetInt64() : fallback.GetDouble()));
            }
            else
            {
                values.Add(integer ? ("1", 1L) : ("2.5", 2.5));
            }
        }

        return values;
    }

    /// <summary>auto and a ratio where the service takes them, the named presets where the schema has them, 1x1, and the model's largest sizes.</summary>
    private static List<string> SizeBoundaries(JsonElement parameter, ModelLimits limits)
    {
        var sizes = new List<string>();
        List<string> presets = parameter.TryGetProperty("anyOf", out JsonElement anyOf)
            ? [.. anyOf.EnumerateArray().Where(b => b.TryGetProperty("enum", out _)).SelectMany(b => Strings(b, "enum"))]
            : [];
        if (presets.Count > 0)
        {
            sizes.AddRange(presets);
        }
        else
        {
            sizes.AddRange(["auto", "16:9", "1024x1024"]);
        }

        int min = limits.MinSide ?? 1;
        sizes.Add($"{min}x{min}");
        if (limits.MaxSide is int max)
        {
            sizes.Add($"{max}x{max}");
            sizes.Add($"{min}x{max}");
        }

        if (limits.MaxWidth is int longSide && limits.MaxHeight is int shortSide)
        {
            sizes.Add($"{longSide}x{shortSide}");
            sizes.Add($"{shortSide}x{longSide}");
        }

        return sizes;
    }

    /// <summary>The fewest and the most input images the schema allows (three where it sets no maximum), and a mask where there is one.</summary>
    private static List<(string Label, object? Value)> ImageBoundaries(JsonElement parameter, string? type)
    {
        if (type != "array")
        {
            return [("a png", ImageInput.FromBytes(TestImages.Png, Png, "mask.png"))];
        }

        bool urls = parameter.GetProperty("items").TryGetProperty("format", out JsonElement format) && format.GetString() == "uri";
        int fewest = parameter.TryGetProperty("minItems", out JsonElement min) ? min.GetInt32() : 0;
        int most = parameter.TryGetProperty("maxItems", out JsonElement max) ? max.GetInt32() : 3;
        return [.. new[] { fewest, most }.Distinct().Select(count => (
            $"{count} {(urls ? "url" : "file")}{(count == 1 ? string.Empty : "s")}",
            (object?)Enumerable.Range(1, count).Select(i => urls
                ? ImageInput.FromUrl($"https://example.com/input{i}.png")
                : ImageInput.FromBytes(TestImages.Png, Png, $"source{i}.png")).ToList()))];
    }

    private static List<string> Strings(JsonElement parameter, string name) =>
        parameter.TryGetProperty(name, out JsonElement values) ? [.. values.EnumerateArray().Select(e => e.GetString()!)] : [];

    /// <summary>The record property for a wire name: by its JsonPropertyName, else by the schema's C# name (image parameters have no JSON name).</summary>
    private static PropertyInfo ClrProperty(Type record, string wireName, JsonElement parameter)
    {
        string? csharpName = parameter.TryGetProperty("x-csharp-name", out JsonElement name) ? name.GetString() : null;
        return record.GetProperties().FirstOrDefault(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name == wireName)
            ?? record.GetProperty(csharpName ?? CultureInfo.InvariantCulture.TextInfo.ToTitleCase(wireName))
            ?? throw new InvalidOperationException($"{record.Name} has no property for {wireName}.");
    }

    private static TRequest With<TRequest>(TRequest request, PropertyInfo property, object? value)
    {
        property.SetValue(request, Convert(value, property.PropertyType));
        return request;
    }

    /// <summary>Converts a boundary value to the property's type: numbers to int, long or double; strings to the SDK's string-value types.</summary>
    private static object? Convert(object? value, Type propertyType)
    {
        Type target = Nullable.GetUnderlyingType(propertyType) ?? propertyType;
        return value switch
        {
            null => null,
            _ when target.IsInstanceOfType(value) => value,
            long or double when target == typeof(int) => System.Convert.ToInt32(value, CultureInfo.InvariantCulture),
            long or double when target == typeof(long) => System.Convert.ToInt64(value, CultureInfo.InvariantCulture),
            long or double when target == typeof(double) => System.Convert.ToDouble(value, CultureInfo.InvariantCulture),
            string text => Activator.CreateInstance(target, text),
            _ => throw new InvalidOperationException($"Cannot set {value.GetType().Name} on a {propertyType.Name} property."),
        };
    }
}
