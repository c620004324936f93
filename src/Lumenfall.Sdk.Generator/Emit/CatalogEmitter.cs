using System.Globalization;
using static Lumenfall.Sdk.Generator.Emit.CSharpSyntax;

namespace Lumenfall.Sdk.Generator.Emit;

/// <summary>Writes <c>ModelCatalog.g.cs</c>: a <c>ModelDescriptor</c> per model and a property to reach each.</summary>
internal static class CatalogEmitter
{
    public static string EmitCatalog(IReadOnlyList<ModelSpec> models)
    {
        CodeWriter w = CSharpEmitter.Header(string.Empty);
        w.Line("namespace Lumenfall.Sdk;");
        w.Line();
        w.Open("public static partial class ModelCatalog");
        w.Line("private static readonly ModelDescriptor[] Models =");
        w.Line("[");
        foreach (ModelSpec m in models)
        {
            var modes = m.Modes.SelectMany(mode => new[] { mode.Name }.Concat(mode.AlsoCovers)).Distinct().Select(n => "ImageMode." + Naming.Pascal(n));
            w.Line("    new ModelDescriptor(");
            w.Line($"        id: {Literal(m.Id)},");
            w.Line($"        aliases: [{string.Join(", ", m.Aliases.Select(Literal))}],");
            w.Line($"        displayName: {Literal(m.DisplayName)},");
            w.Line($"        creator: {Literal(m.Creator)},");
            w.Line($"        service: ImageService.{ServiceName(m.Service)},");
            w.Line($"        modes: [{string.Join(", ", modes)}],");
            w.Line($"        limits: new ModelLimits({LimitsArguments(m.Limits)}),");
            if (m.Providers.Count == 0)
            {
                w.Line("        providers: [],");
            }
            else
            {
                w.Line("        providers:");
                w.Line("        [");
                foreach (ProviderSpec p in m.Providers)
                {
                    w.Line($"            new ModelProvider({Literal(p.Key)}, {Literal(p.Name)}, {Literal(p.ModelId)}, {Literal(p.Pricing)}, [{string.Join(", ", p.Notes.Select(Literal))}]),");
                }

                w.Line("        ],");
            }

            w.Line($"        pricingNotes: [{string.Join(", ", m.PricingNotes.Select(Literal))}],");
            w.Line($"        requestTypes: [{string.Join(", ", m.Modes.Select(mode => $"typeof({mode.RecordName})"))}],");
            w.Line($"        schemaFileName: {Literal(m.SchemaFileName)}),");
        }

        w.Line("];");
        for (int i = 0; i < models.Count; i++)
        {
            w.Line();
            w.Doc("summary", $"Gets {Xml(models[i].DisplayName)} (<c>{Xml(models[i].Id)}</c>).");
            w.Line($"public static ModelDescriptor {models[i].RecordPrefix} => Models[{i}];");
        }

        w.Close();
        return w.ToString();
    }

    private static string LimitsArguments(LimitsSpec l)
    {
        var args = new List<string>();
        void Add(string name, int? value)
        {
            if (value is int v)
            {
                args.Add($"{name}: {v.ToString(CultureInfo.InvariantCulture)}");
            }
        }

        Add("MaxInputImages", l.MaxInputImages);
        Add("MaxOutputImages", l.MaxOutputImages);
        Add("MinSide", l.MinSide);
        Add("MaxSide", l.MaxSide);
        Add("MaxWidth", l.MaxWidth);
        Add("MaxHeight", l.MaxHeight);
        return string.Join(", ", args);
    }
}
