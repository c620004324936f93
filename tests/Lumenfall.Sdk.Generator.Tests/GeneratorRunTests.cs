namespace Lumenfall.Sdk.Generator.Tests;

/// <summary>Writing, checking and the repository's own generated files.</summary>
public sealed class GeneratorRunTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lumenfall-gen-" + Guid.NewGuid().ToString("N"));

    public GeneratorRunTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "schemas"));
        File.WriteAllText(Path.Combine(_root, "schemas", "tiny.schema.json"), """
            {
              "type": "object",
              "x-model": { "id": "tiny", "displayName": "Tiny", "service": "omnirouters", "recordPrefix": "Tiny",
                           "modes": [ { "name": "text-to-image", "record": "TinyRequest" } ] },
              "required": ["prompt"],
              "properties": { "prompt": { "type": "string" } }
            }
            """);
    }

    private GeneratorOptions Options(bool check) =>
        new(Path.Combine(_root, "schemas"), Path.Combine(_root, "out"), check);

    [Fact]
    public async Task Check_fails_and_names_missing_files_before_the_first_write()
    {
        GenerationReport report = await GeneratorRun.RunAsync(Options(check: true));

        report.ExitCode.Should().Be(1);
        report.Lines.Should().Contain(["missing: Tiny.g.cs", "missing: ModelCatalog.g.cs", "missing: RequestJsonContext.g.cs"]);
    }

    [Fact]
    public async Task Check_passes_after_a_write_and_names_a_stale_or_stray_file()
    {
        (await GeneratorRun.RunAsync(Options(check: false))).ExitCode.Should().Be(0);
        (await GeneratorRun.RunAsync(Options(check: true))).ExitCode.Should().Be(0);

        File.AppendAllText(Path.Combine(_root, "out", "Tiny.g.cs"), "// hand edit\n");
        File.WriteAllText(Path.Combine(_root, "out", "Old.g.cs"), "// from a deleted schema\n");
        GenerationReport report = await GeneratorRun.RunAsync(Options(check: true));

        report.ExitCode.Should().Be(1);
        report.Lines.Should().Contain(["stale: Tiny.g.cs", "not generated from any schema: Old.g.cs"]);
    }

    [Fact]
    public async Task Writing_removes_files_no_schema_produces()
    {
        Directory.CreateDirectory(Path.Combine(_root, "out"));
        File.WriteAllText(Path.Combine(_root, "out", "Old.g.cs"), "// from a deleted schema\n");

        GenerationReport report = await GeneratorRun.RunAsync(Options(check: false));

        report.Lines.Should().Contain("deleted Old.g.cs");
        File.Exists(Path.Combine(_root, "out", "Old.g.cs")).Should().BeFalse();
    }

    [Fact]
    public async Task The_repositorys_generated_files_match_its_schemas()
    {
        GeneratorOptions options = GeneratorOptions.Parse(["--check"]);

        GenerationReport report = await GeneratorRun.RunAsync(options);

        report.ExitCode.Should().Be(0, string.Join("\n", report.Lines));
    }

    [Fact]
    public void Unknown_arguments_are_refused_with_the_usage()
    {
        FluentActions.Invoking(() => GeneratorOptions.Parse(["--force"])).Should().Throw<ArgumentException>().WithMessage("*--force*Usage*");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
