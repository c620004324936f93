using System.Globalization;
using System.Text;
using Lumenfall.Sdk;

namespace Lumenfall.Cli;

/// <summary>
/// Turns any exception into the CLI's answer: an exit code and one <c>error:</c> line on stderr (plus a
/// <c>Resume with:</c> hint when a job can be resumed). With <c>--verbose</c>, the type, the ids the exception
/// carries, the inner exceptions and the stack follow. Never throws.
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
    public static int Report(TextWriter error, Exception exception, bool verbose, bool userCanceled)
    {
        int code = ExitCode(exception);
        try
        {
            var text = new StringBuilder();
            text.Append("error: ").Append(OneLine(Describe(Unwrap(exception), userCanceled)));
            if (!verbose && code == CliApp.ServiceError && Unwrap(exception) is not LumenfallException)
            {
                text.Append(" (run with --verbose for details)");
            }

            text.Append('\n');
            if (ResumeToken(Unwrap(exception)) is string token)
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

    /// <summary>The one-line account of a failure, with the ids it carries.</summary>
    private static string Describe(Exception exception, bool userCanceled) => exception switch
    {
        LumenfallWaitCanceledException canceled => canceled.Message,
        OperationCanceledException when userCanceled => "Canceled.",
        OperationCanceledException canceled => $"the call was canceled: {canceled.Message}",
        LumenfallException lumenfall => lumenfall.Message + Ids(lumenfall),
        ArgumentException { ParamName: { } name } argument => argument.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal),
        CliUsageException or ArgumentException => exception.Message,
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
