using static Lumenfall.Sdk.Generator.Emit.CSharpSyntax;

namespace Lumenfall.Sdk.Generator.Emit;

/// <summary>
/// Writes the records: one request record per mode, and one record per object parameter, with their constructors,
/// properties and the members the transports and telemetry read.
/// </summary>
internal static class RecordEmitter
{
    public static void EmitRecord(CodeWriter w, ModelSpec model, ModeSpec mode)
    {
        List<PropertySpec> properties = model.Properties.Where(p => mode.Covers(p.Modes)).ToList();
        List<PropertySpec> required = properties.Where(p => p.IsRequired).ToList();
        string baseType = model.Service switch
        {
            "lumenfall" => "LumenfallImageRequest",
            "fal" => "FalImageRequest",
            "omnirouters" => "OmniRoutersImageRequest",
            _ => throw new InvalidDataException($"{model.SchemaFileName}: unknown service '{model.Service}'."),
        };

        string modeText = string.Join(" and ", new[] { mode.Name }.Concat(mode.AlsoCovers));
        w.Doc("summary", $"A {Xml(modeText)} request for {Xml(model.DisplayName)} (<c>{Xml(model.Id)}</c> on {ServiceName(model.Service)}).");
        var remarks = new List<string>();
        if (model.Description.Length > 0)
        {
            remarks.Add($"<para>{Xml(model.Description)}</para>");
        }

        string limits = Descriptions.DescribeLimits(model.Limits);
        if (limits.Length > 0)
        {
            remarks.Add($"<para>Limits: {limits}.</para>");
        }

        remarks.Add("<para>Generated from the model's schema; call <see cref=\"ImageRequest.Validate\"/> (the client does) to check every rule before sending.</para>");
        w.Doc("remarks", string.Join('\n', remarks));
        w.Open($"public sealed partial record {mode.RecordName} : {baseType}");

        w.Line($"private static readonly string[] s_wireNames = [{string.Join(", ", properties.Where(p => !p.IsFile).Select(p => Literal(p.WireName)))}];");
        ValidationEmitter.EmitStaticFields(w, model, properties);
        w.Line();
        EmitConstructors(w, mode.RecordName, "request", required);
        foreach (PropertySpec p in properties)
        {
            w.Line();
            EmitProperty(w, p);
        }

        EmitListValueSemantics(w, mode.RecordName, properties, hasBase: true);

        w.Line();
        w.Line("/// <inheritdoc />");
        w.Line("[JsonIgnore]");
        w.Line($"public override string ModelId => {Literal(model.Id)};");
        w.Line();
        w.Line("/// <inheritdoc />");
        w.Line("[JsonIgnore]");
        w.Line($"public override ImageMode Mode => ImageMode.{Naming.Pascal(mode.Name)};");
        w.Line();
        w.Line("/// <inheritdoc />");
        w.Line("private protected override IReadOnlyList<string> WireNames => s_wireNames;");
        List<PropertySpec> files = properties.Where(p => p.IsFile).ToList();
        if (files.Count > 0)
        {
            w.Line();
            w.Line("/// <inheritdoc />");
            w.Line($"internal override IReadOnlyList<FileParameter> FileParameters => [{string.Join(", ", files.Select(ImageParameter))}];");
        }

        EmitTelemetryAccessors(w, properties);

        // The model's input images, for callers that build requests generically (ModelCatalog.CreateRequest).
        if (properties.FirstOrDefault(p => p.Kind == PropertyKind.ImageInputList) is { } inputs)
        {
            w.Line();
            w.Line("/// <inheritdoc />");
            w.Open("internal override bool TrySetInputImages(IList<ImageInput> images)");
            w.Line($"{inputs.CSharpName} = images;");
            w.Line("return true;");
            w.Close();
        }

        List<PropertySpec> urls = properties.Where(p => p.Kind is PropertyKind.ImageInput or PropertyKind.ImageInputList && !p.IsFile).ToList();
        if (urls.Count > 0)
        {
            // The transport uploads (or inlines) each local image these list, then swaps it for its URL.
            w.Line();
            w.Line("/// <inheritdoc />");
            w.Line($"internal override IReadOnlyList<FileParameter> UrlImageParameters => [{string.Join(", ", urls.Select(ImageParameter))}];");
            w.Line();
            w.Line("/// <inheritdoc />");
            w.Line($"internal override ImageRequest WithReplacedImages(IReadOnlyDictionary<ImageInput, ImageInput> replacements) => this with {{ {string.Join(", ", urls.Select(Replacement))} }};");
        }
        w.Line();
        w.Line("/// <inheritdoc />");
        w.Line($"private protected override JsonTypeInfo JsonTypeInfo => RequestJsonContext.Default.{mode.RecordName};");
        w.Line();
        w.Line("/// <inheritdoc />");
        w.Open("private protected override bool WriteWireFields(Utf8JsonWriter writer)");
        EmitFieldWrites(w, properties);
        w.Line("return true;");
        w.Close();
        w.Line();
        w.Line("/// <inheritdoc />");
        w.Open("private protected override void ValidateCore(RequestValidator validator)");
        foreach (PropertySpec p in properties)
        {
            ValidationEmitter.EmitValidation(w, p, Literal(p.WireName));
        }

        w.Close();
        w.Close();
    }

    /// <summary>
    /// A record for an object parameter: its properties, serialized by the request's JSON contract, and its checks,
    /// which the owning request's <c>Validate()</c> runs with the parameter's path (<c>controlnet.scale</c>).
    /// </summary>
    public static void EmitNestedRecord(CodeWriter w, ModelSpec model, PropertySpec owner)
    {
        string type = owner.TypeName!;
        List<PropertySpec> properties = [.. owner.NestedProperties];
        List<PropertySpec> required = properties.Where(p => p.IsRequired).ToList();
        w.Doc("summary", owner.NestedDescription.Length > 0 ? Xml(owner.NestedDescription) : $"The <c>{Xml(owner.WireName)}</c> object of {Xml(model.DisplayName)}.");
        w.Doc("remarks", $"Sent as a JSON object in <c>{Xml(owner.WireName)}</c>; the request's <see cref=\"ImageRequest.Validate\"/> checks it.");
        w.Open($"public sealed partial record {type}");
        if (ValidationEmitter.EmitStaticFields(w, model, properties))
        {
            w.Line();
        }

        EmitConstructors(w, type, "value", required);
        foreach (PropertySpec p in properties)
        {
            w.Line();
            EmitProperty(w, p);
        }

        EmitListValueSemantics(w, type, properties, hasBase: false);

        w.Line();
        w.Doc("summary", "Writes this object as the JSON the service reads: the fields that are set, by wire name.");
        w.Doc("param", "The writer.", "name=\"writer\"");
        w.Open("internal void WriteJson(Utf8JsonWriter writer)");
        w.Line("writer.WriteStartObject();");
        EmitFieldWrites(w, properties);
        w.Line("writer.WriteEndObject();");
        w.Close();

        w.Line();
        w.Doc("summary", "Checks this object's rules, naming each parameter by its path.");
        w.Doc("param", "Collects broken rules.", "name=\"validator\"");
        w.Doc("param", "The path of this object, for example <c>controlnet</c> or <c>loras[0]</c>.", "name=\"parameter\"");
        w.Open("internal void ValidateCore(RequestValidator validator, string parameter)");
        foreach (PropertySpec p in properties)
        {
            ValidationEmitter.EmitValidation(w, p, $"parameter + {Literal("." + p.WireName)}");
        }

        w.Close();
        w.Close();
    }

    /// <summary>
    /// The wire JSON of each JSON property, in declaration order, written straight to a <c>Utf8JsonWriter</c>: unset
    /// (null) values are left out, string-valued types are written as their wire text, nested records write themselves.
    /// No System.Text.Json contract is built on this path (its metadata is what a fresh process's first call paid for).
    /// </summary>
    private static void EmitFieldWrites(CodeWriter w, List<PropertySpec> properties)
    {
        foreach (PropertySpec p in properties.Where(p => !p.IsFile))
        {
            string name = Literal(p.WireName) + "u8";
            string v = Naming.Camel(p.CSharpName) + "Value";
            string item = p.Kind switch
            {
                PropertyKind.StringList => "writer.WriteStringValue(item);",
                PropertyKind.ImageInputList => "writer.WriteStringValue(ImageInputJsonConverter.UrlOf(item));",
                PropertyKind.ObjectList => "item.WriteJson(writer);",
                _ => string.Empty,
            };
            switch (p.Kind)
            {
                case PropertyKind.String:
                    w.Line($"if ({p.CSharpName} is string {v}) writer.WriteString({name}, {v});");
                    break;
                case PropertyKind.Integer or PropertyKind.Long or PropertyKind.Number:
                    w.Line($"if ({p.CSharpName} is {{ }} {v}) writer.WriteNumber({name}, {v});");
                    break;
                case PropertyKind.Boolean:
                    w.Line($"if ({p.CSharpName} is {{ }} {v}) writer.WriteBoolean({name}, {v});");
                    break;
                case PropertyKind.ValueType when p.TypeName == "ImageSize" && p.IsFalImageSize:
                    w.Open($"if ({p.CSharpName} is {{ }} {v})");
                    w.Line($"writer.WritePropertyName({name});");
                    w.Line($"FalImageSizeJsonConverter.WriteValue(writer, {v});");
                    w.Close();
                    break;
                case PropertyKind.Enum or PropertyKind.ValueType:
                    w.Line($"if ({p.CSharpName} is {{ }} {v}) writer.WriteString({name}, {v}.Value);");
                    break;
                case PropertyKind.ImageInput:
                    w.Line($"if ({p.CSharpName} is ImageInput {v}) writer.WriteString({name}, ImageInputJsonConverter.UrlOf({v}));");
                    break;
                case PropertyKind.Object:
                    w.Open($"if ({p.CSharpName} is {p.TypeName} {v})");
                    w.Line($"writer.WritePropertyName({name});");
                    w.Line($"{v}.WriteJson(writer);");
                    w.Close();
                    break;
                case PropertyKind.JsonObject:
                    w.Open($"if ({p.CSharpName} is JsonObject {v})");
                    w.Line($"writer.WritePropertyName({name});");
                    w.Line($"{v}.WriteTo(writer);");
                    w.Close();
                    break;
                case PropertyKind.StringList or PropertyKind.ImageInputList or PropertyKind.ObjectList:
                    w.Open($"if ({p.CSharpName} is {{ }} {v})");
                    w.Line($"writer.WriteStartArray({name});");
                    w.Open($"foreach (var item in {v})");
                    w.Open("if (item is null)");
                    w.Line("writer.WriteNullValue();");
                    w.Close();
                    w.Open("else");
                    w.Line(item);
                    w.Close();
                    w.Close();
                    w.Line("writer.WriteEndArray();");
                    w.Close();
                    break;
                default:
                    throw new InvalidOperationException($"No JSON writer for kind {p.Kind}.");
            }
        }
    }

    private static bool IsList(PropertySpec p) => p.Kind is PropertyKind.StringList or PropertyKind.ImageInputList or PropertyKind.ObjectList;

    /// <summary>A property a record's own copy and equality would share or compare by reference: a list, a nested record or a JSON object.</summary>
    private static bool IsMutableReference(PropertySpec p) => IsList(p) || p.Kind is PropertyKind.Object or PropertyKind.JsonObject;

    /// <summary>
    /// For a record with lists, nested records or JSON objects: a copy constructor that gives a <c>with</c> copy its own
    /// (lists of copied items, copied nested records, cloned JSON), and equality and a hash that compare them by value
    /// (a record's own would compare references).
    /// </summary>
    private static void EmitListValueSemantics(CodeWriter w, string type, List<PropertySpec> properties, bool hasBase)
    {
        if (!properties.Any(IsMutableReference))
        {
            return;
        }

        w.Line();
        w.Doc("summary", "Copies a record for <c>with</c>: the copy gets its own lists, nested records and JSON.");
        w.Doc("param", "The record copied.", "name=\"original\"");
        w.Line("[SetsRequiredMembers]");
        w.Open($"private {type}({type} original){(hasBase ? "\n        : base(original)" : string.Empty)}");
        foreach (PropertySpec p in properties)
        {
            w.Line(p.Kind switch
            {
                PropertyKind.ObjectList => $"{p.CSharpName} = original.{p.CSharpName}?.Select(item => item with {{ }}).ToList()!;",
                PropertyKind.Object => $"{p.CSharpName} = original.{p.CSharpName} is null ? null! : original.{p.CSharpName} with {{ }};",
                PropertyKind.JsonObject => $"{p.CSharpName} = original.{p.CSharpName}?.DeepClone().AsObject()!;",
                _ when IsList(p) => $"{p.CSharpName} = RecordLists.Copy(original.{p.CSharpName})!;",
                _ => $"{p.CSharpName} = original.{p.CSharpName};",
            });
        }

        w.Close();
        w.Line();
        w.Line("/// <inheritdoc />");
        w.Open($"public bool Equals({type}? other)");
        var terms = new List<string> { "other is not null" };
        if (hasBase)
        {
            terms.Add("base.Equals(other)");
        }

        terms.AddRange(properties.Select(p => p.Kind == PropertyKind.JsonObject
            ? $"System.Text.Json.Nodes.JsonNode.DeepEquals({p.CSharpName}, other.{p.CSharpName})"
            : IsList(p) ? $"RecordLists.Equal({p.CSharpName}, other.{p.CSharpName})"
            : $"Equals({p.CSharpName}, other.{p.CSharpName})"));
        w.Line($"return ReferenceEquals(this, other) || ({string.Join("\n            && ", terms)});");
        w.Close();
        w.Line();
        w.Line("/// <inheritdoc />");
        w.Open("public override int GetHashCode()");
        w.Line("var hash = new HashCode();");
        if (hasBase)
        {
            w.Line("hash.Add(base.GetHashCode());");
        }

        foreach (PropertySpec p in properties)
        {
            w.Line(p.Kind == PropertyKind.JsonObject ? $"hash.Add({p.CSharpName}?.Count);"
                : IsList(p) ? $"hash.Add(RecordLists.Hash({p.CSharpName}));"
                : $"hash.Add({p.CSharpName});");
        }

        w.Line("return hash.ToHashCode();");
        w.Close();
    }

    /// <summary>An empty constructor, and one taking the required parameters when there are any.</summary>
    private static void EmitConstructors(CodeWriter w, string type, string noun, List<PropertySpec> required)
    {
        w.Doc("summary", required.Count == 0 ? $"Creates an empty {noun}." : $"Creates an empty {noun}; set the required properties before sending.");
        w.Line($"public {type}()");
        w.Line("{");
        w.Line("}");

        if (required.Count > 0)
        {
            w.Line();
            w.Doc("summary", $"Creates a {noun} with its required parameters.");
            foreach (PropertySpec p in required)
            {
                w.Doc("param", p.Description.Length > 0 ? Xml(p.Description) : $"The <c>{p.WireName}</c> parameter.", $"name=\"{ParameterName(p).TrimStart('@')}\"");
            }

            w.Line("[SetsRequiredMembers]");
            w.Open($"public {type}({string.Join(", ", required.Select(p => $"{CSharpType(p)} {ParameterName(p)}"))})");
            foreach (PropertySpec p in required)
            {
                w.Line($"{p.CSharpName} = {ParameterName(p)};");
            }

            w.Close();
        }
    }

    /// <summary>An image parameter as the transports see it: one image (<c>IsList: false</c>) or a list.</summary>
    private static string ImageParameter(PropertySpec p)
    {
        string types = p.MediaTypes.Count > 0 ? $"s_{Naming.Camel(p.CSharpName)}MediaTypes" : "[]";
        return p.Kind == PropertyKind.ImageInputList
            ? $"new({Literal(p.WireName)}, {p.CSharpName}?.ToList(), IsList: true, {types})"
            : $"new({Literal(p.WireName)}, {p.CSharpName} is null ? null : [{p.CSharpName}], IsList: false, {types})";
    }

    /// <summary>
    /// The <c>with</c> assignment that swaps a URL image parameter's uploaded inputs. A required single image is
    /// non-nullable, yet unset until the caller sets it: an unset one is kept as it is (the <c>!</c>).
    /// </summary>
    private static string Replacement(PropertySpec p)
    {
        if (p.Kind == PropertyKind.ImageInputList)
        {
            return $"{p.CSharpName} = Replace({p.CSharpName}, replacements)";
        }

        string uploaded = Naming.Camel(p.CSharpName) + "Uploaded";
        return $"{p.CSharpName} = {p.CSharpName} is not null && replacements.TryGetValue({p.CSharpName}, out ImageInput? {uploaded}) ? {uploaded} : {p.CSharpName}{(p.IsRequired ? "!" : string.Empty)}";
    }

    /// <summary>The prompt, the requested image count and size, for telemetry (by their usual wire names).</summary>
    private static void EmitTelemetryAccessors(CodeWriter w, List<PropertySpec> properties)
    {
        if (properties.FirstOrDefault(p => p.WireName == "prompt" && p.Kind == PropertyKind.String) is { } prompt)
        {
            w.Line();
            w.Line("/// <inheritdoc />");
            w.Line($"internal override string? PromptText => {prompt.CSharpName};");
        }

        if (properties.FirstOrDefault(p => p.WireName is "n" or "num_images" && p.Kind == PropertyKind.Integer) is { } count)
        {
            w.Line();
            w.Line("/// <inheritdoc />");
            w.Line($"internal override int? RequestedImageCount => {count.CSharpName};");
        }

        if (properties.FirstOrDefault(p => p.WireName is "size" or "image_size" && p.TypeName == "ImageSize") is { } size)
        {
            w.Line();
            w.Line("/// <inheritdoc />");
            w.Line($"internal override string? RequestedSize => {size.CSharpName}?.Value;");
        }
    }

    private static void EmitProperty(CodeWriter w, PropertySpec p)
    {
        w.Doc("summary", p.Description.Length > 0 ? Xml(p.Description) : $"The <c>{Xml(p.WireName)}</c> parameter.");
        w.Doc("remarks", Descriptions.DescribeProperty(p));
        if (p.IsFile)
        {
            w.Line("[JsonIgnore]");
        }
        else
        {
            w.Line($"[JsonPropertyName({Literal(p.WireName)})]");
        }

        if (p.IsFalImageSize)
        {
            w.Line("[JsonConverter(typeof(FalImageSizeJsonConverter))]");
        }

        if (p.IsRequired && p.IsFile)
        {
            // File parts never enter the JSON contract, where C# 'required' would make System.Text.Json demand a
            // JSON property; a list starts empty, one image starts null, and Validate() reports it until it is set.
            w.Line(p.Kind == PropertyKind.ImageInputList
                ? $"public {CSharpType(p)} {p.CSharpName} {{ get; set; }} = [];"
                : $"public {CSharpType(p)}? {p.CSharpName} {{ get; set; }}");
        }
        else
        {
            w.Line(p.IsRequired
                ? $"public required {CSharpType(p)} {p.CSharpName} {{ get; set; }}"
                : $"public {CSharpType(p)}? {p.CSharpName} {{ get; set; }}");
        }
    }

    private static string CSharpType(PropertySpec p) => p.Kind switch
    {
        PropertyKind.String => "string",
        PropertyKind.Integer => "int",
        PropertyKind.Long => "long",
        PropertyKind.Number => "double",
        PropertyKind.Boolean => "bool",
        PropertyKind.StringList => "IList<string>",
        PropertyKind.Enum or PropertyKind.ValueType => p.TypeName!,
        PropertyKind.ImageInput => "ImageInput",
        PropertyKind.ImageInputList => "IList<ImageInput>",
        PropertyKind.Object => p.TypeName!,
        PropertyKind.ObjectList => $"IList<{p.TypeName}>",
        PropertyKind.JsonObject => "JsonObject",
        _ => throw new InvalidOperationException($"Unmapped kind {p.Kind}."),
    };

    private static string ParameterName(PropertySpec p)
    {
        string name = Naming.Camel(p.CSharpName);
        return name is "string" or "object" or "params" or "base" or "event" or "class" ? "@" + name : name;
    }
}
