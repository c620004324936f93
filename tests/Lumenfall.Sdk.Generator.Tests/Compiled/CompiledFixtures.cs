using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Lumenfall.Sdk.Generator.Tests.Compiled;

/// <summary>
/// The fixture schemas (<c>Fixtures/*.schema.json</c>) read and emitted by the generator, compiled in memory against
/// the built Lumenfall.Sdk with the System.Text.Json source generator the SDK's own build runs, and loaded, so tests
/// can create the generated records and run their validation and serialization.
/// </summary>
public sealed class CompiledFixtures : IAsyncLifetime
{
    /// <summary>
    /// Generated records override <c>private protected</c> members and use internal types of Lumenfall.Sdk, as they
    /// do inside the SDK. Lumenfall.Sdk makes its internals visible to this test assembly's name, so the fixture
    /// assembly takes that name too (it is loaded in a load context of its own).
    /// </summary>
    private const string AssemblyName = "Lumenfall.Sdk.Generator.Tests";

    private static readonly string[] ImplicitUsings =
        ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks"];

    private Assembly? _assembly;

    /// <summary>Gets the generated sources by file name.</summary>
    public IReadOnlyDictionary<string, string> Sources { get; private set; } = new Dictionary<string, string>();

    private Assembly Assembly => _assembly ?? throw new InvalidOperationException("The fixtures are not compiled yet.");

    public async Task InitializeAsync()
    {
        string directory = Path.Combine(AppContext.BaseDirectory, "Fixtures");
        var models = new List<ModelSpec>();
        foreach (string file in Directory.GetFiles(directory, "*.schema.json").Order(StringComparer.Ordinal))
        {
            models.Add(await SchemaReader.ReadFileAsync(file));
        }

        SortedDictionary<string, string> sources = CSharpEmitter.EmitAll(models);
        Sources = sources;
        _assembly = Compile(sources);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Gets a generated type by its name in the <c>Lumenfall.Sdk</c> namespace.</summary>
    public Type Type(string name) => Assembly.GetType("Lumenfall.Sdk." + name, throwOnError: true)!;

    /// <summary>Creates a generated request record with the empty constructor, then sets <paramref name="values"/>.</summary>
    public ImageRequest Request(string type, object? values = null) => (ImageRequest)Create(type, values);

    /// <summary>
    /// Creates a generated record and sets the properties an anonymous object names: strings become the
    /// record's value types through their implicit conversions, arrays become lists.
    /// </summary>
    public object Create(string type, object? values = null)
    {
        object instance = Activator.CreateInstance(Type(type))!;
        foreach (PropertyInfo value in values?.GetType().GetProperties() ?? [])
        {
            Set(instance, value.Name, value.GetValue(values));
        }

        return instance;
    }

    /// <summary>Sets one property of a generated record, converting as <see cref="Create"/> does.</summary>
    public static void Set(object target, string property, object? value)
    {
        PropertyInfo info = target.GetType().GetProperty(property)
            ?? throw new ArgumentException($"{target.GetType().Name} has no property {property}.", nameof(property));
        info.SetValue(target, ConvertTo(value, info.PropertyType));
    }

    /// <summary>Gets one property of a generated record.</summary>
    public static object? Get(object target, string property) =>
        (target.GetType().GetProperty(property) ?? throw new ArgumentException($"{target.GetType().Name} has no property {property}.", nameof(property)))
        .GetValue(target);

    private static object? ConvertTo(object? value, Type type)
    {
        Type target = Nullable.GetUnderlyingType(type) ?? type;
        if (value is null || target.IsInstanceOfType(value))
        {
            return value;
        }

        if (target.IsGenericType && target.GetGenericTypeDefinition() == typeof(IList<>) && value is IEnumerable items)
        {
            Type element = target.GetGenericArguments()[0];
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
            foreach (object? item in items)
            {
                list.Add(ConvertTo(item, element));
            }

            return list;
        }

        MethodInfo? conversion = target.GetMethods(BindingFlags.Public | BindingFlags.Static)
            .FirstOrDefault(m => m.Name == "op_Implicit" && m.ReturnType == target && m.GetParameters()[0].ParameterType == value.GetType());
        return conversion is not null
            ? conversion.Invoke(null, [value])
            : Convert.ChangeType(value, target, CultureInfo.InvariantCulture);
    }

    private static Assembly Compile(IReadOnlyDictionary<string, string> sources)
    {
        var parseOptions = new CSharpParseOptions(LanguageVersion.CSharp12);
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Value, parseOptions, path: s.Key)).ToList();
        trees.Add(CSharpSyntaxTree.ParseText(string.Concat(ImplicitUsings.Select(u => $"global using {u};\n")), parseOptions, path: "GlobalUsings.cs"));

        string sdk = typeof(ImageRequest).Assembly.Location;
        IEnumerable<string> platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var references = platform.Where(p => Path.GetFileName(p) != Path.GetFileName(sdk)).Append(sdk)
            .Select(p => MetadataReference.CreateFromFile(p)).ToList();

        CSharpCompilation compilation = CSharpCompilation.Create(AssemblyName, trees, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        CSharpGeneratorDriver.Create([JsonSourceGenerator()], parseOptions: parseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out Compilation withJsonContracts, out _);

        using var image = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult result = withJsonContracts.Emit(image);

        // CS0436: the fixture's RequestJsonContext and ModelCatalog also exist in the referenced SDK; the fixture's own
        // win, as they should. Anything else, warning or error, is a generator bug (a generated OutputFormat, say).
        var problems = result.Diagnostics
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .Where(d => !(d.Id == "CS0436" && d.GetMessage(CultureInfo.InvariantCulture) is var m
                && (m.StartsWith("The type 'RequestJsonContext' in", StringComparison.Ordinal) || m.StartsWith("The type 'ModelCatalog' in", StringComparison.Ordinal))))
            .ToList();
        if (!result.Success || problems.Count > 0)
        {
            throw new InvalidOperationException("The generated fixture code does not compile cleanly:\n" + string.Join('\n', problems));
        }

        image.Position = 0;
        return new AssemblyLoadContext("generated-fixtures").LoadFromStream(image);
    }

    /// <summary>
    /// The JSON source generator from the targeting pack of the running .NET, the one <c>dotnet build</c> runs on the
    /// SDK: the generated <c>RequestJsonContext</c> needs it.
    /// </summary>
    private static ISourceGenerator JsonSourceGenerator()
    {
        var runtime = new DirectoryInfo(RuntimeEnvironment.GetRuntimeDirectory());
        string packs = Path.Combine(runtime.Parent!.Parent!.Parent!.FullName, "packs", "Microsoft.NETCore.App.Ref");
        const string Relative = "analyzers/dotnet/cs/System.Text.Json.SourceGeneration.dll";
        string path = Directory.Exists(packs)
            ? Directory.GetDirectories(packs)
                .Where(d => Path.GetFileName(d).StartsWith(Environment.Version.Major + ".", StringComparison.Ordinal))
                .OrderByDescending(d => Path.GetFileName(d) == runtime.Name)
                .ThenByDescending(d => Version.TryParse(Path.GetFileName(d), out Version? v) ? v : new Version())
                .Select(d => Path.Combine(d, Relative))
                .FirstOrDefault(File.Exists) ?? string.Empty
            : string.Empty;
        if (path.Length == 0)
        {
            throw new InvalidOperationException($"No System.Text.Json source generator under {packs}; the .NET {Environment.Version.Major} SDK's targeting pack has it.");
        }

        Type type = Assembly.LoadFrom(path).GetType("System.Text.Json.SourceGeneration.JsonSourceGenerator", throwOnError: true)!;
        return ((IIncrementalGenerator)Activator.CreateInstance(type)!).AsSourceGenerator();
    }
}

/// <summary>Shares one compilation of the fixtures between the test classes that need it.</summary>
[CollectionDefinition(Name)]
public sealed class CompiledFixturesDefinition : ICollectionFixture<CompiledFixtures>
{
    public const string Name = "Compiled fixtures";
}
