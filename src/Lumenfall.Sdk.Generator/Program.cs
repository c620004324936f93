using Lumenfall.Sdk.Generator;

// Lumenfall.Sdk.Generator: src/Lumenfall.Sdk/Schemas/*.schema.json → src/Lumenfall.Sdk/Models/Generated/*.g.cs
//   dotnet run --project src/Lumenfall.Sdk.Generator            write the generated files
//   dotnet run --project src/Lumenfall.Sdk.Generator -- --check  exit 1 and name each stale file
// Options: --schemas <dir>  --output <dir>  (default: found from the repository root)
try
{
    GeneratorOptions options = GeneratorOptions.Parse(args);
    GenerationReport report = await GeneratorRun.RunAsync(options).ConfigureAwait(false);
    foreach (string line in report.Lines)
    {
        Console.WriteLine(line);
    }

    return report.ExitCode;
}
catch (Exception ex) when (ex is ArgumentException or InvalidDataException or IOException or Newtonsoft.Json.JsonException)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return 2;
}
