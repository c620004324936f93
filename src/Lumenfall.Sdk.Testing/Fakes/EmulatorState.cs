using System.Collections.Concurrent;
using System.Globalization;

namespace Lumenfall.Sdk.Testing.Fakes;

/// <summary>
/// What the service fakes share: the emulator's settings and faults, its address once started, the queued jobs, the
/// files it serves, and the one counter every id and file name comes from.
/// </summary>
internal sealed class EmulatorState
{
    private int _counter;

    public EmulatorState(EmulatorOptions options, EmulatorFaults faults)
    {
        Options = options;
        Faults = faults;
    }

    public EmulatorOptions Options { get; }

    public EmulatorFaults Faults { get; }

    /// <summary>Gets the webhook signer and sender.</summary>
    public EmulatorWebhooks Webhooks { get; set; } = null!;

    /// <summary>Gets or sets the server's address, known once it has started.</summary>
    public Uri BaseAddress { get; set; } = null!;

    /// <summary>Gets the queued fal jobs and OmniRouters tasks, by id.</summary>
    public ConcurrentDictionary<string, FakeJob> Jobs { get; } = new();

    /// <summary>Gets the files served under <c>/files/</c> (drawn images and storage uploads), by name.</summary>
    public ConcurrentDictionary<string, (byte[] Bytes, string MediaType)> Files { get; } = new();

    /// <summary>The next number for an id or a file name.</summary>
    public string Next() => Interlocked.Increment(ref _counter).ToString(CultureInfo.InvariantCulture);
}
