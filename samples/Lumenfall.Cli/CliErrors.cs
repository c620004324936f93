using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Lumenfall.Sdk;

namespace Lumenfall.Cli;

/// <summary>
/// Turns any exception into the CLI's answer: an exit code and one <c>error:</c> line on stderr (plus a
/// <c>Resume with:</c> hint when a job can be resumed). With <c>--verbose</c>, the type, the ids the exception
/// carries, the inner exceptions and the stack follow. Messages speak CLI (<c>--validation lenient</c>, not the SDK's
/// <c>ValidationLevel.Lenient</c>). Never throws.
/// </summary>
internal static class CliErrors
{
    /// <summary>The exit code for a failure: 2 bad input, 4 timeout or canceled, 3 anything else.</summary>
    /// <param name="exception">The failure.</param>
    /// <returns>The exit code.</returns>
    public static int ExitCode(Exception exception) => Unwrap(exception) switch
    {
        CliUsageException or LumenfallValidationException or ArgumentException => CliApp.BadInput,
        FileNotFoundException or DirectoryNotFoundException or DriveNotFoundException or PathTooLongException or UnauthorizedAccessException => CliApp.BadInput,
        LumenfallTimeoutException or OperationCanceledException => CliApp.TimedOut,
        _ => CliApp.ServiceError,
    };

    /// <summary>Writes the failure to <paramref name="error"/> and returns its exit code; a broken stderr is ignored.</summary>
    /// <param name="error">Where to write (stderr).</param>
    /// <param name="exception">The failure.</param>
    /// <param name="verbose">Whether to add the details: type, ids, inner exceptions, stack.</param>
    /// <param name="userCanceled">Whether the user's own cancellation (Ctrl+C) was requested.</param>
    /// <returns>The exit code.</returns>
    /// <param name="signal">The signal that interrupted the command, if one did: the exit code is 130 or 143.</param>
    /// <param name="canResume">Whether a job's resume command can work (not when the built-in emulator, gone with this run, ran it).</param>
    public static int Report(TextWriter error, Exception exception, bool verbose, bool userCanceled, PosixSignal? signal = null, bool canResume = true)
    {
        bool interrupted = signal is not null && Unwrap(exception) is OperationCanceledException;
        int code = interrupted ? CliInterruption.ExitCode(signal!.Value) : ExitCode(exception);
        try
        {
            var text = new StringBuilder();
            text.Append("error: ").Append(interrupted ? Interrupted(Unwrap(exception), signal!.Value, canResume) : OneLine(SpeakCli(Describe(Unwrap(exception), userCanceled))));
            if (!verbose && code == CliApp.ServiceError && Unwrap(exception) is not (LumenfallException or CliSaveException))
            {
                text.Append(" (run with --verbose for details)");
            }

            text.Append('\n');
            if (canResume && ResumeToken(Unwrap(exception)) is string token)
            {
                text.Append("Resume with: lumenfall operation wait ").Append(token).Append('\n');
            }

            if (verbose)
            {
                AppendDetails(text, exception);
            }

            error.Write(text.ToString());
            error.Flush();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or NotSupportedException or InvalidOperationException)
        {
            // stderr itself is gone; the exit code still tells what happened.
        }

        return code;
    }

    /// <summary>
    /// Reports a command line that does not parse, on one line: each unknown option or command with the closest valid
    /// one, then System.CommandLine's other errors (a repeated single-value option, a missing required one, a value
    /// outside its list), and where to find the usage. Exit code 2.
    /// </summary>
    public static int ReportUsage(TextWriter error, ParseResult parsed)
    {
        Command command = parsed.CommandResult.Command;
        var problems = new List<string>();
        bool unknownCommand = false;
        foreach (string token in parsed.UnmatchedTokens)
        {
            if (token.StartsWith('-') && !unknownCommand)
            {
                problems.Add($"unknown option {token}{Closest(token, Names(parsed.CommandResult, options: true))}");
            }
            else if (token.StartsWith('-'))
            {
                // An option after an unknown command belongs to it: the command is the problem.
            }
            else if (command.Subcommands.Count > 0)
            {
                // The words after an unknown command are its would-be arguments: the command is the problem.
                if (!unknownCommand)
                {
                    problems.Add($"unknown command '{token}'{Closest(token, Names(parsed.CommandResult, options: false))}");
                }

                unknownCommand = true;
            }
            else
            {
                problems.Add($"unexpected argument '{token}'");
            }
        }

        foreach (ParseError problem in parsed.Errors)
        {
            bool followsUnknownCommand = problems.Count > 0 && problem.Message.StartsWith("Required command", StringComparison.Ordinal);
            if (!followsUnknownCommand && !problem.Message.StartsWith("Unrecognized command or argument", StringComparison.Ordinal))
            {
                problems.Add(string.Join(' ', problem.Message.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).TrimEnd('.'));
            }
        }

        var names = new List<string>();
        for (SymbolResult? current = parsed.CommandResult; current is CommandResult { Command: not RootCommand } commandResult; current = current.Parent)
        {
            names.Insert(0, commandResult.Command.Name);
        }

        string path = string.Join(' ', names.Prepend("lumenfall"));
        try
        {
            error.Write($"error: {OneLine(string.Join("; ", problems.Distinct()))}. Run '{path} --help'.\n");
            error.Flush();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or NotSupportedException or InvalidOperationException)
        {
        }

        return CliApp.BadInput;
    }

    /// <summary>The options (with their aliases) or the subcommands valid where the parse stopped.</summary>
    private static IEnumerable<string> Names(CommandResult result, bool options)
    {
        for (SymbolResult? current = result; current is CommandResult commandResult; current = current.Parent)
        {
            Command command = commandResult.Command;
            IEnumerable<string> names = options
                ? command.Options.Where(o => current == result || o.Recursive).SelectMany(o => o.Aliases.Prepend(o.Name))
                : current == result ? command.Subcommands.Select(c => c.Name) : [];
            foreach (string name in names)
            {
                yield return name;
            }
        }
    }

    /// <summary>" (did you mean X?)" for the name closest to <paramref name="token"/> by edit distance.</summary>
    private static string Closest(string token, IEnumerable<string> names)
    {
        string? best = names.Where(n => n.Length > 2 || !token.StartsWith("--", StringComparison.Ordinal))
            .OrderBy(n => Distance(token, n)).ThenBy(n => n, StringComparer.Ordinal).FirstOrDefault();
        return best is null ? string.Empty : $" (did you mean {best}?)";
    }

    private static int Distance(string a, string b)
    {
        int[] previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int[] current = new int[b.Length + 1];
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }

    /// <summary>The SDK's advice in the CLI's words: its validation levels are the <c>--validation</c> option.</summary>
    internal static string SpeakCli(string message) => message
        .Replace("ValidationLevel.Lenient", "--validation lenient", StringComparison.Ordinal)
        .Replace("ValidationLevel.None", "--validation none", StringComparison.Ordinal)
        .Replace("ValidationLevel.Strict", "--validation strict", StringComparison.Ordinal);

    /// <summary>The one line for a command a signal stopped: what is still going on, and how to pick it up when that can work.</summary>
    private static string Interrupted(Exception exception, PosixSignal signal, bool canResume)
    {
        string what = signal == PosixSignal.SIGTERM ? "Stopped by SIGTERM" : "Interrupted (SIGINT)";
        return ResumeToken(exception) is null ? $"{what}."
            : canResume ? $"{what}; the job goes on at the service."
            : $"{what}; the job ran on the built-in emulator, which stops with this command.";
    }

    /// <summary>The one-line account of a failure, with the ids it carries.</summary>
    private static string Describe(Exception exception, bool userCanceled) => exception switch
    {
        LumenfallWaitCanceledException canceled => canceled.Message,
        OperationCanceledException when userCanceled => "Canceled.",
        OperationCanceledException canceled => $"the call was canceled: {canceled.Message}",
        LumenfallException lumenfall => lumenfall.Message + Ids(lumenfall),
        ArgumentException { ParamName: { } name } argument => argument.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal),
        CliUsageException or CliSaveException or ArgumentException => exception.Message,
        FileNotFoundException or DirectoryNotFoundException or DriveNotFoundException or PathTooLongException or UnauthorizedAccessException => exception.Message,
        _ => $"unexpected {exception.GetType().Name}: {exception.Message}",
    };

    /// <summary>The ids a service failure carries, for support and for finding the request in the service's logs.</summary>
    private static string Ids(LumenfallException exception)
    {
        var ids = new List<string>();
        Add("operation", exception.OperationId);
        Add("request id", exception.RequestId == exception.OperationId ? null : exception.RequestId);
        Add("client request id", exception.ClientRequestId);
        return ids.Count == 0 ? string.Empty : $" ({string.Join("; ", ids)})";

        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value) && !exception.Message.Contains(value, StringComparison.Ordinal))
            {
                ids.Add($"{name} {value}");
            }
        }
    }

    private static string? ResumeToken(Exception exception) => exception switch
    {
        LumenfallOperationFailedException => null,   // failed or canceled: there is nothing to resume
        LumenfallWaitCanceledException canceled => canceled.RehydrationToken,
        LumenfallException lumenfall => lumenfall.RehydrationToken,
        _ => null,
    };

    private static void AppendDetails(StringBuilder text, Exception exception)
    {
        if (Unwrap(exception) is LumenfallException lumenfall)
        {
            Detail("service", lumenfall.Service?.ToString());
            Detail("status", lumenfall.StatusCode is { } status ? ((int)status).ToString(CultureInfo.InvariantCulture) : null);
            Detail("error code", lumenfall.ErrorCode);
            Detail("error type", lumenfall.ErrorType);
            Detail("request id", lumenfall.RequestId);
            Detail("client request id", lumenfall.ClientRequestId);
            Detail("operation id", lumenfall.OperationId);
            Detail("rehydration token", lumenfall.RehydrationToken);
            Detail("retry after", lumenfall.RetryAfter?.ToString());
            Detail("field", (lumenfall as LumenfallUnexpectedResponseException)?.Field);
            Detail("raw body", lumenfall.RawBody is { } body ? OneLine(body) : null);
        }

        // Type, message, every inner exception and the stack.
        text.Append(exception).Append('\n');

        void Detail(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                text.Append("  ").Append(name).Append(": ").Append(value).Append('\n');
            }
        }
    }

    /// <summary>A single exception from a wrapper that holds exactly one (an <see cref="AggregateException"/> of one).</summary>
    private static Exception Unwrap(Exception exception) =>
        exception is AggregateException aggregate && aggregate.Flatten().InnerExceptions is [Exception single] ? Unwrap(single) : exception;

    /// <summary>Server text as one terminal-safe line: line breaks become spaces, other control characters (escape sequences) '?'.</summary>
    internal static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => string.Concat(line.Select(c => char.IsControl(c) ? '?' : c))));
}

/// <summary>Bad command-line input found after parsing (an unusable --output, a --param without '='): exit code 2 with the message.</summary>
internal sealed class CliUsageException(string message) : Exception(message);
