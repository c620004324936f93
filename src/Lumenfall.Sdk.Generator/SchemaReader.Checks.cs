namespace Lumenfall.Sdk.Generator;

// The rules a schema must follow for the generator to map it: modes the SDK knows, one C# name per parameter and enum
// value, multipart files and uploads only where a service sends them.
internal static partial class SchemaReader
{
    /// <summary>The modes the SDK has an <c>ImageMode</c> member (and transport behaviour) for, by wire name.</summary>
    public static readonly IReadOnlyList<string> KnownModes = ["text-to-image", "edit"];

    /// <summary>Members every request record inherits, which a parameter's C# name must not repeat.</summary>
    private static readonly string[] InheritedMembers =
        ["ModelId", "Service", "Mode", "AdditionalProperties", "Validate", "Provider", "WireModel", "Submit", "EqualityContract"];

    /// <summary>Each mode, and each mode a record also covers, must be one the SDK has an <c>ImageMode</c> for.</summary>
    private static void CheckModes(string fileName, IReadOnlyList<ModeSpec> modes)
    {
        foreach (string name in modes.SelectMany(m => new[] { m.Name }.Concat(m.AlsoCovers)))
        {
            if (!KnownModes.Contains(name))
            {
                throw Fail(fileName, $"x-model.modes declares mode '{name}', which the SDK has no ImageMode for (known: {string.Join(", ", KnownModes)}); "
                    + "describe an image-to-image or inpainting endpoint as 'edit' (input images changed as the prompt says), or add the mode to ImageMode and the transports first");
            }
        }

        foreach (IGrouping<string, ModeSpec> twice in modes.GroupBy(m => m.RecordName, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            throw Fail(fileName, $"x-model.modes names the record {twice.Key} more than once");
        }
    }

    /// <summary>Checks what only the whole model can tell: the modes properties name, names per record, where images go.</summary>
    private static void CheckProperties(string fileName, string service, IReadOnlyList<ModeSpec> modes, IReadOnlyList<PropertySpec> properties)
    {
        var declared = modes.SelectMany(m => new[] { m.Name }.Concat(m.AlsoCovers)).ToHashSet(StringComparer.Ordinal);
        foreach (PropertySpec p in properties)
        {
            if (p.Modes.FirstOrDefault(m => !declared.Contains(m)) is string unknown)
            {
                throw Fail(fileName, $"property '{p.WireName}' lists mode '{unknown}' in x-modes, which x-model.modes does not declare (declared: {string.Join(", ", declared)})");
            }

            if (p.IsFile && service != "lumenfall")
            {
                throw Fail(fileName, $"property '{p.WireName}' is a multipart file (format: binary), which only Lumenfall edit requests send; use format: uri on {service}");
            }

            if (p.Upload is not null && (p.Upload != "fal" || service != "fal"))
            {
                throw Fail(fileName, $"property '{p.WireName}' has x-upload '{p.Upload}', but only fal models upload local images (to fal storage)");
            }
        }

        foreach (ModeSpec mode in modes)
        {
            List<PropertySpec> own = properties.Where(p => mode.Covers(p.Modes)).ToList();
            if (own.FirstOrDefault(p => p.IsFile) is { } file && mode.Name != "edit")
            {
                throw Fail(fileName, $"property '{file.WireName}' is a multipart file in the {mode.Name} record {mode.RecordName}; only edit requests are sent as multipart (limit it with x-modes: [\"edit\"])");
            }

            CheckNames(fileName, $"the record {mode.RecordName}", own, [mode.RecordName, .. InheritedMembers]);
        }
    }

    /// <summary>Two parameters of one type may not share a C# name, nor take a name the type already has.</summary>
    private static void CheckNames(string fileName, string owner, IReadOnlyList<PropertySpec> properties, IReadOnlyList<string> taken)
    {
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (PropertySpec p in properties)
        {
            if (seen.TryGetValue(p.CSharpName, out string? other))
            {
                throw Fail(fileName, $"properties '{other}' and '{p.WireName}' of {owner} both become the C# name {p.CSharpName} (ignoring case); rename one with x-csharp-name");
            }

            if (taken.Contains(p.CSharpName, StringComparer.OrdinalIgnoreCase))
            {
                throw Fail(fileName, $"property '{p.WireName}' of {owner} becomes the C# name {p.CSharpName}, which {owner} already has; rename it with x-csharp-name");
            }

            seen[p.CSharpName] = p.WireName;
        }
    }

    /// <summary>
    /// Each enum value becomes a static property: two values may not share one C# name (nor names that differ only
    /// in case, as <c>4K</c> and <c>4k</c> would), nor take a member name the struct has.
    /// </summary>
    private static void CheckEnumNames(string fileName, string wireName, string typeName, IReadOnlyList<string> values)
    {
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string value in values)
        {
            string member = Naming.Pascal(value);
            if (seen.TryGetValue(member, out string? other))
            {
                string names = Naming.Pascal(other) == member ? $"both become the C# name {member}" : $"become the C# names {Naming.Pascal(other)} and {member}, which differ only in case";
                throw Fail(fileName, $"property '{wireName}' has enum values '{other}' and '{value}' that {names}; the generator cannot tell them apart");
            }

            if (member is "Value" or "KnownValues" or "ToString" or "Equals" or "GetHashCode" or "GetType" || member == typeName)
            {
                throw Fail(fileName, $"property '{wireName}' has enum value '{value}', whose C# name {member} is already a member of {typeName}");
            }

            seen[member] = value;
        }
    }
}
