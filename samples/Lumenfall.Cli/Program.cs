using Lumenfall.Cli;

bool verbose = args.Contains("--verbose");

// A failure on another thread would otherwise end the process with the runtime's stack trace dump: report it like
// any other failure (one line, exit code 3) and exit.
AppDomain.CurrentDomain.UnhandledException += (_, e) =>
{
    Exception failure = e.ExceptionObject as Exception ?? new InvalidOperationException($"A non-exception object was thrown: {e.ExceptionObject}");
    Environment.Exit(CliErrors.Report(Console.Error, failure, verbose, userCanceled: false));
};

using var cancel = new CancellationTokenSource();
void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
{
    // The first Ctrl+C stops the wait (exit code 4); a second one ends the process at once.
    e.Cancel = !cancel.IsCancellationRequested;
    cancel.Cancel();
}

try
{
    Console.CancelKeyPress += OnCancelKeyPress;
    return await new CliApp(Console.Out, Console.Error, Environment.GetEnvironmentVariable).RunAsync(args, cancel.Token);
}
catch (Exception ex)
{
    // RunAsync reports its own failures; this catches anything around it.
    return CliErrors.Report(Console.Error, ex, verbose, cancel.IsCancellationRequested);
}
finally
{
    Console.CancelKeyPress -= OnCancelKeyPress;
}
