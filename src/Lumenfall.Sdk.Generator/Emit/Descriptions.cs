using static Lumenfall.Sdk.Generator.Emit.CSharpSyntax;

namespace Lumenfall.Sdk.Generator.Emit;

/// <summary>The prose of the generated XML docs: what a parameter accepts, and what a model's limits are.</summary>
internal static class Descriptions
{
    public static string DescribeProperty(PropertySpec p)
    {
        var facts = new List<string> { $"Wire name <c>{Xml(p.WireName)}</c>{(p.IsFile ? ", sent as a multipart file part" : string.Empty)}." };
        if (p.IsRequired)
        {
            facts.Add("Required.");
        }

        if (p.DefaultText is not null)
        {
            facts.Add($"Default: <c>{Xml(p.DefaultText)}</c> (applied by the service when unset).");
        }

        if (p.Minimum is not null || p.Maximum is not null)
        {
            string low = p.Minimum is null ? string.Empty : (p.ExclusiveMinimum ? $"greater than {Number(p.Minimum)}" : $"at least {Number(p.Minimum)}");
            string high = p.Maximum is null ? string.Empty : $"at most {Number(p.Maximum)}";
            facts.Add($"Range: {string.Join(", ", new[] { low, high }.Where(s => s.Length > 0))}.");
        }

        if (p.MinItems is not null || p.MaxItems is not null)
        {
            facts.Add($"Items: {(p.MinItems is int min ? $"at least {min}" : string.Empty)}{(p.MinItems is not null && p.MaxItems is not null ? ", " : string.Empty)}{(p.MaxItems is int max ? $"at most {max}" : string.Empty)}.");
        }

        if (p.EnumValues.Count > 0)
        {
            string values = string.Join(", ", p.EnumValues.Select(v => $"<c>{Xml(v)}</c>"));
            facts.Add(p.EnumOpen ? $"Known values (others are accepted): {values}." : $"Allowed values: {values}.");
        }

        if (p.SizePresets.Count > 0)
        {
            facts.Add($"Presets: {string.Join(", ", p.SizePresets.Select(v => $"<c>{Xml(v)}</c>"))}; or pixels from {p.SizeMinSide} to {p.SizeMaxSide} per side, sent as <c>{{\"width\",\"height\"}}</c>.");
        }

        if (p.MediaTypes.Count > 0)
        {
            facts.Add($"Accepted media types: {string.Join(", ", p.MediaTypes)}.");
        }

        if (p.Kind is PropertyKind.ImageInput or PropertyKind.ImageInputList && !p.IsFile)
        {
            facts.Add(p.Upload is null
                ? "Images must be URLs: local files and bytes are refused."
                : $"URLs are sent as is; local files, streams and bytes are uploaded to {p.Upload} storage first (or inlined as data URIs when the caller chooses).");
        }

        if (p.Kind == PropertyKind.JsonObject)
        {
            facts.Add("Any JSON object, sent exactly as given.");
        }

        if (p.Examples.Count > 0)
        {
            facts.Add($"Examples: {string.Join(", ", p.Examples.Select(v => $"<c>{Xml(v)}</c>"))}.");
        }

        if (p.Modes.Count > 0)
        {
            facts.Add($"Modes: {string.Join(", ", p.Modes)}.");
        }

        if (p.Providers.Count > 0)
        {
            facts.Add($"Only available via {string.Join(", ", p.Providers)}.");
        }

        return string.Join(' ', facts);
    }

    public static string DescribeLimits(LimitsSpec l)
    {
        var parts = new List<string>();
        if (l.MaxInputImages is int i)
        {
            parts.Add($"at most {i} input image{(i == 1 ? string.Empty : "s")}");
        }

        if (l.MaxOutputImages is int o)
        {
            parts.Add($"at most {o} output image{(o == 1 ? string.Empty : "s")}");
        }

        if (l.MaxWidth is int mw && l.MaxHeight is int mh)
        {
            parts.Add($"output up to {mw}x{mh} in either orientation");
        }

        if (l.MinSide is int min && l.MaxSide is int max)
        {
            parts.Add($"{min} to {max} pixels per side");
        }

        return string.Join("; ", parts);
    }
}
