namespace Lumenfall.Sdk.Generator;

/// <summary>Command-line options of the generator.</summary>
internal sealed record GeneratorOptions(string SchemaDirectory, string OutputDirectory, bool Check)
{
    public static GeneratorOptions Parse(IReadOnlyList<string> args)
    {
        bool check = false;
        string? schemas = null, output = null;
        for (int i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--check":
                    check = true;
                    break;
                case "--schemas" when i + 1 < args.Count:
                    schemas = args[++i];
                    break;
                case "--output" when i + 1 < args.Count:
                    output = args[++i];
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'. Usage: [--check] [--schemas <dir>] [--output <dir>]");
            }
        }

        if (schemas is null || output is null)
        {
            string root = FindRepositoryRoot(AppContext.BaseDirectory) ?? FindRepositoryRoot(Environment.CurrentDirectory)
                ?? throw new ArgumentException("Cannot find the repository root (Lumenfall.Sdk.sln); pass --schemas and --output.");
            schemas ??= Path.Combine(root, "src", "Lumenfall.Sdk", "Schemas");
            output ??= Path.Combine(root, "src", "Lumenfall.Sdk", "Models", "Generated");
        }

        return new GeneratorOptions(schemas, output, check);
    }

    private static string? FindRepositoryRoot(string start)
    {
        for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Lumenfall.Sdk.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
