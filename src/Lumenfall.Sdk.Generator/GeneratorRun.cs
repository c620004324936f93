namespace Lumenfall.Sdk.Generator;

/// <summary>What a run did or found, and the exit code to return.</summary>
internal sealed record GenerationReport(int ExitCode, IReadOnlyList<string> Lines);

/// <summary>Reads every schema, emits the C#, and writes it or compares it with what is on disk.</summary>
internal static class GeneratorRun
{
    public static async Task<GenerationReport> RunAsync(GeneratorOptions options)
    {
        string[] schemaFiles = Directory.GetFiles(options.SchemaDirectory, "*.schema.json");
        Array.Sort(schemaFiles, StringComparer.Ordinal);
        if (schemaFiles.Length == 0)
        {
            throw new InvalidDataException($"No *.schema.json files in {options.SchemaDirectory}.");
        }

        var models = new List<ModelSpec>();
        foreach (string file in schemaFiles)
        {
            models.Add(await SchemaReader.ReadFileAsync(file).ConfigureAwait(false));
        }

        SortedDictionary<string, string> expected = CSharpEmitter.EmitAll(models);
        return options.Check ? Check(options.OutputDirectory, expected) : Write(options.OutputDirectory, expected);
    }

    private static GenerationReport Write(string outputDirectory, SortedDictionary<string, string> expected)
    {
        Directory.CreateDirectory(outputDirectory);
        var lines = new List<string>();
        foreach (string stale in ExistingFiles(outputDirectory).Where(f => !expected.ContainsKey(f)))
        {
            File.Delete(Path.Combine(outputDirectory, stale));
            lines.Add($"deleted {stale}");
        }

        foreach ((string name, string content) in expected)
        {
            string path = Path.Combine(outputDirectory, name);
            if (!File.Exists(path) || File.ReadAllText(path) != content)
            {
                File.WriteAllText(path, content);
                lines.Add($"wrote {name}");
            }
        }

        lines.Add($"{expected.Count} generated files up to date in {outputDirectory}");
        return new GenerationReport(0, lines);
    }

    private static GenerationReport Check(string outputDirectory, SortedDictionary<string, string> expected)
    {
        var lines = new List<string>();
        foreach ((string name, string content) in expected)
        {
            string path = Path.Combine(outputDirectory, name);
            if (!File.Exists(path))
            {
                lines.Add($"missing: {name}");
            }
            else if (File.ReadAllText(path) != content)
            {
                lines.Add($"stale: {name}");
            }
        }

        foreach (string extra in ExistingFiles(outputDirectory).Where(f => !expected.ContainsKey(f)))
        {
            lines.Add($"not generated from any schema: {extra}");
        }

        if (lines.Count == 0)
        {
            return new GenerationReport(0, [$"{expected.Count} generated files match the schemas."]);
        }

        lines.Add("Generated code is out of date: run `dotnet run --project src/Lumenfall.Sdk.Generator`.");
        return new GenerationReport(1, lines);
    }

    private static IEnumerable<string> ExistingFiles(string outputDirectory) =>
        Directory.Exists(outputDirectory)
            ? Directory.GetFiles(outputDirectory, "*.g.cs").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)
            : [];
}
