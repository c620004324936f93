using System.Globalization;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using NJsonSchema.Validation;
using SchemaError = NJsonSchema.Validation.ValidationError;

namespace Lumenfall.Sdk.Tests.Contracts;

/// <summary>One published schema, loaded with NJsonSchema, that JSON documents are checked against.</summary>
internal sealed class SchemaContract
{
    private readonly JsonSchema _schema;
    private readonly Lock _gate = new();

    public SchemaContract(string name, JsonSchema schema)
    {
        Name = name;
        _schema = schema;
    }

    /// <summary>Gets the name used in messages, for example <c>OpenAI CreateImageRequest</c>.</summary>
    public string Name { get; }

    /// <summary>Gets the names of the top-level properties the schema defines.</summary>
    public IReadOnlyCollection<string> PropertyNames => [.. _schema.ActualSchema.ActualProperties.Keys];

    /// <summary>Gets every JSON type a top-level property allows, looking through <c>$ref</c>, <c>anyOf</c> and <c>oneOf</c>.</summary>
    public JsonObjectType PropertyTypes(string name)
    {
        if (!_schema.ActualSchema.ActualProperties.TryGetValue(name, out JsonSchemaProperty? property))
        {
            return JsonObjectType.None;
        }

        return Types(property.ActualSchema);

        static JsonObjectType Types(JsonSchema schema)
        {
            JsonObjectType types = schema.ActualSchema.Type;
            foreach (JsonSchema branch in schema.ActualSchema.AnyOf.Concat(schema.ActualSchema.OneOf))
            {
                types |= Types(branch);
            }

            return types;
        }
    }

    /// <summary>Validates <paramref name="json"/> and returns every violation NJsonSchema reports, nested causes included.</summary>
    public IReadOnlyList<SchemaViolation> Validate(JToken json)
    {
        ICollection<SchemaError> errors;
        lock (_gate)
        {
            // One validation at a time: NJsonSchema resolves some schema state lazily on first use.
            errors = _schema.Validate(json);
        }

        return [.. errors.Select(e => SchemaViolation.From(e, json))];
    }

    public override string ToString() => Name;
}

/// <summary>One error from NJsonSchema: where (<see cref="Path"/>), what (<see cref="Kind"/>), the value found there, and nested causes (anyOf branches, array items).</summary>
internal sealed record SchemaViolation(string Path, ValidationErrorKind Kind, string? Value, IReadOnlyList<SchemaViolation> Causes)
{
    public static SchemaViolation From(SchemaError error, JToken document)
    {
        IEnumerable<SchemaError> children = error switch
        {
            ChildSchemaValidationError child => child.Errors.SelectMany(branch => branch.Value),
            MultiTypeValidationError multi => multi.Errors.SelectMany(branch => branch.Value),
            _ => [],
        };

        return new SchemaViolation(error.Path ?? "#", error.Kind, ValueAt(document, error.Path), [.. children.Select(c => From(c, document))]);
    }

    /// <summary>Lists violations one per line as <c>path kind (value)</c>, causes indented below their parent.</summary>
    public static string Describe(IEnumerable<SchemaViolation> violations)
    {
        var text = new StringBuilder();
        foreach (SchemaViolation violation in violations)
        {
            violation.Append(text, 1);
        }

        return text.ToString().TrimEnd();
    }

    public override string ToString() => Value is null ? $"{Path} {Kind}" : $"{Path} {Kind} (found {Value})";

    private void Append(StringBuilder text, int depth)
    {
        text.Append(' ', depth * 2).Append("- ").AppendLine(ToString());
        foreach (SchemaViolation cause in Causes)
        {
            cause.Append(text, depth + 1);
        }
    }

    /// <summary>The JSON text at an NJsonSchema path such as <c>#/data[1].url</c>; null where nothing is (a missing property).</summary>
    private static string? ValueAt(JToken document, string? path)
    {
        string selector = (path ?? "#").TrimStart('#').TrimStart('/');
        JToken? token;
        try
        {
            token = selector.Length == 0 ? document : document.SelectToken(selector);
        }
        catch (JsonException)
        {
            return null;
        }

        if (token is null)
        {
            return null;
        }

        string value = token.ToString(Formatting.None);
        return value.Length <= 120 ? value : string.Create(CultureInfo.InvariantCulture, $"{value[..117]}...");
    }
}
