namespace Lumenfall.Sdk.Generator.Emit;

/// <summary>Writes <c>RequestJsonContext.g.cs</c>: the source-generated JSON contract of every request record.</summary>
internal static class JsonContextEmitter
{
    public static string EmitJsonContext(IReadOnlyList<ModelSpec> models)
    {
        CodeWriter w = CSharpEmitter.Header(string.Empty);
        w.Line("using System.Text.Json.Serialization;");
        w.Line();
        w.Line("namespace Lumenfall.Sdk.Serialization;");
        w.Line();
        w.Doc("summary",
            "Source-generated JSON metadata of the request records, for setting a parameter by its wire name (SetParameter) and for the "
            + "catalog's parameter list. The wire JSON itself is written by each record's generated WriteWireFields.");
        foreach (ModeSpec mode in models.SelectMany(m => m.Modes))
        {
            w.Line($"[JsonSerializable(typeof(global::Lumenfall.Sdk.{mode.RecordName}))]");
        }

        w.Line("[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, GenerationMode = JsonSourceGenerationMode.Metadata)]");
        w.Line("internal sealed partial class RequestJsonContext : JsonSerializerContext");
        w.Line("{");
        w.Line("}");
        return w.ToString();
    }
}
