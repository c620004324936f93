using System.Reflection;
using System.Text;

namespace Lumenfall.Sdk.Tests.Api;

/// <summary>
/// The public surface of each package is recorded in <c>api/&lt;assembly&gt;.txt</c>; a change to it fails here until the
/// file is updated on purpose (run with <c>LUMENFALL_UPDATE_API=1</c> to rewrite the files, then review the diff).
/// </summary>
public class PublicApiTests
{
    public static TheoryData<string> Packages => ["Lumenfall.Sdk", "Lumenfall.Sdk.Testing", "Lumenfall.Sdk.AI"];

    [Theory]
    [MemberData(nameof(Packages))]
    public void The_public_surface_matches_the_recorded_baseline(string assemblyName)
    {
        Assembly assembly = Assembly.Load(assemblyName);
        string actual = Describe(assembly);
        string file = Path.Combine(RepositoryRoot(), "api", assemblyName + ".txt");

        if (Environment.GetEnvironmentVariable("LUMENFALL_UPDATE_API") == "1")
        {
            File.WriteAllText(file, actual);
        }

        string expected = File.Exists(file) ? File.ReadAllText(file).ReplaceLineEndings("\n") : string.Empty;
        string[] added = actual.Split('\n').Except(expected.Split('\n')).ToArray();
        string[] removed = expected.Split('\n').Except(actual.Split('\n')).ToArray();
        (added.Length + removed.Length).Should().Be(0,
            $"the public API of {assemblyName} changed; if that is intended, run the tests with LUMENFALL_UPDATE_API=1 and commit api/{assemblyName}.txt.\n"
            + string.Join("\n", added.Select(l => "+ " + l).Concat(removed.Select(l => "- " + l))));
    }

    [Fact]
    public void Serialization_helpers_and_configuration_plumbing_are_not_public()
    {
        string surface = Describe(typeof(ImageClient).Assembly);

        surface.Should().NotContain("JsonConverter").And.NotContain("LumenfallConfiguration").And.NotContain("RequestTypes").And.NotContain("Apply(");
    }

    /// <summary>Every public and protected member of every exported type, one per line, sorted.</summary>
    internal static string Describe(Assembly assembly)
    {
        var lines = new List<string>();
        foreach (Type type in assembly.GetExportedTypes())
        {
            string kind = type.IsEnum ? "enum" : type.IsInterface ? "interface" : type.IsValueType ? "struct"
                : type.IsAbstract && type.IsSealed ? "static class" : type.IsSealed ? "sealed class" : type.IsAbstract ? "abstract class" : "class";
            IEnumerable<string> bases = new[] { type.BaseType }.Where(b => b is not null && b != typeof(object) && b != typeof(ValueType) && b != typeof(Enum))
                .Select(b => Name(b!)).Concat(type.GetInterfaces().Select(Name).Order(StringComparer.Ordinal));
            string header = $"{kind} {Name(type)}{(bases.Any() ? " : " + string.Join(", ", bases) : string.Empty)}";
            lines.Add(header);
            const BindingFlags Flags = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (MemberInfo member in type.GetMembers(Flags))
            {
                if (Visible(member) && Describe(member) is string text)
                {
                    lines.Add($"{header} :: {text}");
                }
            }
        }

        lines.Sort(StringComparer.Ordinal);
        return string.Join("\n", lines) + "\n";
    }

    private static bool Visible(MemberInfo member) => member switch
    {
        MethodBase method => (method.IsPublic || method.IsFamily || method.IsFamilyOrAssembly) && !(method.IsSpecialName && (method.Name.StartsWith("get_", StringComparison.Ordinal) || method.Name.StartsWith("set_", StringComparison.Ordinal) || method.Name.StartsWith("add_", StringComparison.Ordinal) || method.Name.StartsWith("remove_", StringComparison.Ordinal))),
        PropertyInfo property => property.GetAccessors(nonPublic: true).Any(a => a.IsPublic || a.IsFamily || a.IsFamilyOrAssembly),
        FieldInfo field => field.IsPublic || field.IsFamily || field.IsFamilyOrAssembly,
        EventInfo e => e.AddMethod is { } add && (add.IsPublic || add.IsFamily),
        _ => false,
    };

    private static string? Describe(MemberInfo member) => member switch
    {
        ConstructorInfo ctor => $"{Access(ctor)}ctor({Parameters(ctor)})",
        MethodInfo method when method.Name == "<Clone>$" => null,
        MethodInfo method => $"{Access(method)}{Modifier(method)}{Name(method.ReturnType)} {method.Name}{(method.IsGenericMethod ? "<" + string.Join(", ", method.GetGenericArguments().Select(Name)) + ">" : string.Empty)}({Parameters(method)})",
        PropertyInfo property => $"{Modifier(property.GetMethod ?? property.SetMethod!)}{Name(property.PropertyType)} {property.Name} {{ {string.Join(" ", property.GetAccessors(nonPublic: true).Where(a => a.IsPublic || a.IsFamily || a.IsFamilyOrAssembly).Select(a => (a.IsFamily ? "protected " : string.Empty) + (a.Name.StartsWith("get_", StringComparison.Ordinal) ? "get;" : a.ReturnParameter.GetRequiredCustomModifiers().Any(m => m.Name == "IsExternalInit") ? "init;" : "set;")).Order(StringComparer.Ordinal))} }}",
        FieldInfo field => $"{(field.IsLiteral ? "const " : field.IsStatic ? "static " : string.Empty)}{Name(field.FieldType)} {field.Name}{(field.IsLiteral ? " = " + Invariant(field.GetRawConstantValue()) : string.Empty)}",
        EventInfo e => $"event {Name(e.EventHandlerType!)} {e.Name}",
        _ => null,
    };

    private static string Access(MethodBase method) => method.IsFamily ? "protected " : string.Empty;

    private static string Modifier(MethodInfo method) =>
        method.IsStatic ? "static " : method.IsAbstract ? "abstract " : method.IsVirtual && !method.IsFinal ? "virtual " : string.Empty;

    private static string Parameters(MethodBase method) =>
        string.Join(", ", method.GetParameters().Select(p => $"{Name(p.ParameterType)} {p.Name}{(p.HasDefaultValue ? " = " + Invariant(p.DefaultValue) : string.Empty)}"));

    private static string Invariant(object? value) => value is null ? "null" : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!;

    private static string Name(Type type)
    {
        if (type.IsByRef)
        {
            return "ref " + Name(type.GetElementType()!);
        }

        if (type.IsArray)
        {
            return Name(type.GetElementType()!) + "[]";
        }

        if (type.IsGenericParameter)
        {
            return type.Name;
        }

        string name = type.IsNested ? Name(type.DeclaringType!) + "." + type.Name : (type.Namespace is null ? type.Name : type.Namespace + "." + type.Name);
        int tick = name.IndexOf('`', StringComparison.Ordinal);
        if (tick >= 0)
        {
            name = name[..tick];
        }

        return type.IsGenericType ? $"{name}<{string.Join(", ", type.GetGenericArguments().Select(Name))}>" : name;
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Lumenfall.Sdk.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (Lumenfall.Sdk.sln) was not found above the test folder.");
    }
}
