using Lumenfall.Cli;

bool verbose = args.Contains("--verbose");

// A failure on another thread would otherwise end the process with the runtime's stack trace dump: report it like
// any other failure (one line, exit code 3) and exit.
AppDomain.CurrentDomain.UnhandledException += (_, e) =>
{
    Exception failure = e.ExceptionObject as Exception ?? new InvalidOperationException($"A non-exception object was thrown: {e.ExceptionObject}");
    Environment.Exit(CliErrors.Report(Console.Error, failure, verbose, userCanceled: false));
};

using CliInterruption interruption = CliInterruption.ForProcess();
try
{
    return await new CliApp(Console.Out, Console.Error, Environment.GetEnvironmentVariable, interruption).RunAsync(args, interruption.Token);
}
catch (Exception ex)
{
    // RunAsync reports its own failures; this catches anything around it.
    return CliErrors.Report(Console.Error, ex, verbose, interruption.Token.IsCancellationRequested, interruption.Signal);
}
