using System.Collections.Concurrent;

namespace Lumenfall.Sdk.Testing;

/// <summary>The faults waiting to be injected, consumed in the order they were added.</summary>
public sealed class EmulatorFaults
{
    private readonly object _gate = new();
    private readonly List<(EmulatorFault Fault, int Remaining)> _faults = [];
    private readonly ConcurrentQueue<(string Message, string Type)> _jobFailures = new();

    /// <summary>Adds a fault.</summary>
    /// <param name="fault">The fault.</param>
    public void Add(EmulatorFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        lock (_gate)
        {
            _faults.Add((fault, fault.Times));
        }
    }

    /// <summary>Makes the next queued job (fal queue or OmniRouters task) finish with an error instead of images.</summary>
    /// <param name="message">The error message.</param>
    /// <param name="errorType">fal's <c>error_type</c> / OmniRouters' error code.</param>
    public void FailNextJob(string message, string errorType = "runner_server_error") => _jobFailures.Enqueue((message, errorType));

    /// <summary>Removes every pending fault.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _faults.Clear();
        }

        _jobFailures.Clear();
    }

    internal EmulatorFault? Take(string method, string path)
    {
        lock (_gate)
        {
            int index = _faults.FindIndex(f => f.Remaining > 0 && f.Fault.Matches(method, path));
            if (index < 0)
            {
                return null;
            }

            (EmulatorFault fault, int remaining) = _faults[index];
            if (remaining <= 1)
            {
                _faults.RemoveAt(index);
            }
            else
            {
                _faults[index] = (fault, remaining - 1);
            }

            return fault;
        }
    }

    internal (string Message, string Type)? TakeJobFailure() => _jobFailures.TryDequeue(out var failure) ? failure : null;
}
