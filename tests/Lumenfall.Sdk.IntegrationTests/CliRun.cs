using Lumenfall.Cli;

namespace Lumenfall.Sdk.IntegrationTests;

/// <summary>One run of the CLI in process (<see cref="CliApp"/> with its own writers and environment).</summary>
/// <param name="Code">The exit code.</param>
/// <param name="Output">What went to stdout.</param>
/// <param name="Error">What went to stderr.</param>
internal sealed record CliRun(int Code, string Output, string Error)
{
    /// <summary>Gets stderr's lines; no line of the CLI's own is a stack frame unless --verbose was given.</summary>
    public string[] ErrorLines { get; } = Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public static async Task<CliRun> InProcessAsync(Func<string, string?> environment, CancellationToken cancellationToken, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await new CliApp(output, error, environment).RunAsync(args, cancellationToken);
        return new CliRun(code, output.ToString(), error.ToString());
    }
}
