using System.Runtime.InteropServices;

namespace Lumenfall.Cli;

/// <summary>
/// SIGINT (Ctrl+C) and SIGTERM: the first one cancels the running command, which stops cleanly (a wait says how to
/// resume) and exits 130 or 143; a second one ends the process at once, as the system would.
/// </summary>
internal sealed class CliInterruption : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _signal;

    /// <summary>Gets the token the first signal cancels.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>Gets the first signal received, if any.</summary>
    public PosixSignal? Signal => _signal == 0 ? null : (PosixSignal)_signal;

    /// <summary>Listens to the process's SIGINT and SIGTERM.</summary>
    public static CliInterruption ForProcess()
    {
        var interruption = new CliInterruption();
        foreach (PosixSignal signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            interruption._registrations.Add(PosixSignalRegistration.Create(signal, context => context.Cancel = interruption.Raise(context.Signal)));
        }

        return interruption;
    }

    /// <summary>Records the signal and cancels the command; false for a second signal (let the system end the process).</summary>
    public bool Raise(PosixSignal signal)
    {
        if (Interlocked.CompareExchange(ref _signal, (int)signal, 0) != 0)
        {
            return false;
        }

        _cancel.Cancel();
        return true;
    }

    /// <summary>The exit code of a command the signal interrupted: 128 + the signal's number (130 for SIGINT, 143 for SIGTERM).</summary>
    public static int ExitCode(PosixSignal signal) => signal == PosixSignal.SIGTERM ? 143 : 130;

    /// <summary>The signal's usual name.</summary>
    public static string Name(PosixSignal signal) => signal == PosixSignal.SIGTERM ? "SIGTERM" : "SIGINT";

    public void Dispose()
    {
        foreach (PosixSignalRegistration registration in _registrations)
        {
            registration.Dispose();
        }

        _cancel.Dispose();
    }
}
