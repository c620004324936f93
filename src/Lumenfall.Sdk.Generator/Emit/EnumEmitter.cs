using static Lumenfall.Sdk.Generator.Emit.CSharpSyntax;

namespace Lumenfall.Sdk.Generator.Emit;

/// <summary>Writes an extensible string enum: a <c>record struct</c> with a static property per known value.</summary>
internal static class EnumEmitter
{
    public static void EmitEnum(CodeWriter w, ModelSpec model, PropertySpec property)
    {
        string type = property.TypeName!;
        string summary = property.EnumOpen
            ? $"Known values of <c>{property.WireName}</c> for {Xml(model.DisplayName)}; any other value is sent as is."
            : $"Values of <c>{property.WireName}</c> for {Xml(model.DisplayName)}. Extensible: a value from a server that the SDK does not know never throws.";
        w.Doc("summary", summary);
        w.Line($"[JsonConverter(typeof(StringValueJsonConverter<{type}>))]");
        w.Open($"public readonly partial record struct {type} : IStringValue<{type}>");
        w.Line("private readonly string? _value;");
        w.Line();
        w.Doc("summary", "Creates a value from its wire form.");
        w.Doc("param", "The wire value.", "name=\"value\"");
        w.Line($"public {type}(string value) => _value = value;");
        var members = new List<string>();
        foreach (string value in property.EnumValues)
        {
            string member = Naming.Pascal(value);
            members.Add(member);
            w.Line();
            w.Doc("summary", $"<c>{Xml(value)}</c>.");
            w.Line($"public static {type} {member} {{ get; }} = new({Literal(value)});");
        }

        w.Line();
        w.Doc("summary", property.EnumOpen ? "Gets the values known when the SDK was generated." : "Gets every allowed value.");
        w.Line($"public static IReadOnlyList<{type}> KnownValues {{ get; }} = [{string.Join(", ", members)}];");
        w.Line();
        w.Doc("summary", "Gets the value exactly as it travels on the wire.");
        w.Line("public string Value => _value ?? string.Empty;");
        w.Line();
        w.Line("/// <inheritdoc />");
        w.Line($"static {type} IStringValue<{type}>.Create(string value) => new(value);");
        w.Line();
        w.Doc("summary", $"Converts a wire value to a <see cref=\"{type}\"/>.");
        w.Doc("param", "The wire value.", "name=\"value\"");
        w.Line($"public static implicit operator {type}(string value) => new(value);");
        w.Line();
        w.Line("/// <inheritdoc />");
        w.Line("public override string ToString() => Value;");
        w.Close();
    }
}
