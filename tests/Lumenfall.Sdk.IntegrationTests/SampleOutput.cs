namespace Lumenfall.Sdk.IntegrationTests;

/// <summary>Where a sample project this test project builds first has its own output (the process tests run it from there, with its own dependencies).</summary>
internal static class SampleOutput
{
    /// <summary>The sample's DLL, in the same configuration and framework as these tests (tests/&lt;project&gt;/bin/&lt;configuration&gt;/&lt;framework&gt;/).</summary>
    public static string Dll(string sample, string assembly)
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string repository = here.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        return Path.Combine(repository, "samples", sample, "bin", here.Parent!.Name, here.Name, assembly + ".dll");
    }
}
