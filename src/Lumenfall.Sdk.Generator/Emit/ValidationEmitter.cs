using static Lumenfall.Sdk.Generator.Emit.CSharpSyntax;

namespace Lumenfall.Sdk.Generator.Emit;

/// <summary>Writes the checks a record's <c>ValidateCore</c> runs, and the static value sets, media types and size rules they use.</summary>
internal static class ValidationEmitter
{
    /// <summary>The value sets, media types and size rules the checks use; returns whether it wrote any.</summary>
    public static bool EmitStaticFields(CodeWriter w, ModelSpec model, List<PropertySpec> properties)
    {
        int before = w.ToString().Length;
        foreach (PropertySpec p in properties)
        {
            if (IsClosedSet(p))
            {
                w.Line($"private static readonly string[] s_{Naming.Camel(p.CSharpName)}Values = [{string.Join(", ", p.EnumValues.Select(Literal))}];");
            }

            if (p.MediaTypes.Count > 0)
            {
                w.Line($"private static readonly string[] s_{Naming.Camel(p.CSharpName)}MediaTypes = [{string.Join(", ", p.MediaTypes.Select(Literal))}];");
            }

            if (p.Kind == PropertyKind.ValueType && p.TypeName == "ImageSize")
            {
                w.Line($"private static readonly ImageSizeRules s_{Naming.Camel(p.CSharpName)}Rules = {SizeRules(model, p)};");
            }
        }

        return w.ToString().Length > before;
    }

    /// <summary>One check per rule of <paramref name="p"/>; <paramref name="name"/> is the C# expression of its parameter name.</summary>
    public static void EmitValidation(CodeWriter w, PropertySpec p, string name)
    {
        string field = Naming.Camel(p.CSharpName);
        bool stringLike = p.Kind is PropertyKind.String or PropertyKind.Enum or PropertyKind.ValueType;
        bool isStruct = p.Kind is PropertyKind.Enum or PropertyKind.ValueType;

        if (p.IsRequired)
        {
            w.Line(p.Kind switch
            {
                PropertyKind.String => $"validator.RequiredText({name}, {p.CSharpName});",
                _ when isStruct => $"validator.RequiredText({name}, {p.CSharpName}.Value);",
                _ => $"validator.Required({name}, {p.CSharpName});",
            });
        }

        // Every number is checked (NaN and infinities are refused even without bounds); integers only when bounded.
        if (p.Kind is PropertyKind.Number || (p.Kind is PropertyKind.Integer or PropertyKind.Long && (p.Minimum is not null || p.Maximum is not null)))
        {
            string exclusive = p.ExclusiveMinimum ? ", exclusiveMinimum: true" : string.Empty;
            w.Line($"validator.Range({name}, {p.CSharpName}, {Number(p.Minimum)}, {Number(p.Maximum)}{exclusive});");
        }

        if (IsClosedSet(p) && stringLike)
        {
            string value = p.IsRequired ? $"{p.CSharpName}.Value is {{ Length: > 0 }} {field}Text ? {field}Text : null" : $"{p.CSharpName}?.Value";
            w.Line($"validator.AllowedValues({name}, {value}, s_{field}Values);");
        }

        if (p.Kind == PropertyKind.ValueType && p.TypeName == "ImageSize")
        {
            w.Line($"validator.Size({name}, {p.CSharpName}, s_{field}Rules);");
        }

        if (p.Kind == PropertyKind.ValueType && p.TypeName == "AspectRatio")
        {
            w.Line($"validator.AspectRatio({name}, {p.CSharpName});");
        }

        if (p.Kind is PropertyKind.StringList or PropertyKind.ImageInputList or PropertyKind.ObjectList)
        {
            string noun = p.Kind == PropertyKind.ImageInputList ? "image" : "item";
            w.Line($"validator.Items({name}, {p.CSharpName}, {Int(p.MinItems)}, {Int(p.MaxItems)}, {Literal(noun)});");
        }

        if (p.Kind == PropertyKind.Object)
        {
            w.Line($"{p.CSharpName}?.ValidateCore(validator, {name});");
        }

        if (p.Kind == PropertyKind.ObjectList)
        {
            w.Open($"if ({p.CSharpName} is not null)");
            w.Open($"for (int i = 0; i < {p.CSharpName}.Count; i++)");
            w.Line($"{p.CSharpName}[i]?.ValidateCore(validator, {name} + $\"[{{i}}]\");");
            w.Close();
            w.Close();
        }

        if (p.Kind == PropertyKind.JsonObject)
        {
            w.Line($"validator.FiniteJson({name}, {p.CSharpName});");
        }

        if (p.Kind is PropertyKind.ImageInput or PropertyKind.ImageInputList)
        {
            string plural = p.Kind == PropertyKind.ImageInputList ? "s" : string.Empty;
            if (p.MediaTypes.Count > 0)
            {
                w.Line($"validator.MediaType{plural}({name}, {p.CSharpName}, s_{field}MediaTypes);");
            }

            if (!p.IsFile && p.Upload is null)
            {
                w.Line($"validator.{(plural.Length > 0 ? "UrlsOnly" : "UrlOnly")}({name}, {p.CSharpName});");
            }
        }
    }

    private static string SizeRules(ModelSpec model, PropertySpec p) => p.IsFalImageSize
        ? $"new(AllowAspectRatio: false, AllowAuto: false, Presets: [{string.Join(", ", p.SizePresets.Select(Literal))}], MinSide: {p.SizeMinSide ?? 1}, MaxSide: {Int(p.SizeMaxSide)}, MaxLongSide: null, MaxShortSide: null)"
        : $"new(AllowAspectRatio: true, AllowAuto: true, Presets: [], MinSide: {model.Limits.MinSide ?? 1}, MaxSide: {Int(model.Limits.MaxSide)}, MaxLongSide: {Int(model.Limits.MaxWidth)}, MaxShortSide: {Int(model.Limits.MaxHeight)})";

    private static bool IsClosedSet(PropertySpec p) => p.EnumValues.Count > 0 && !p.EnumOpen && !p.IsFalImageSize;
}
