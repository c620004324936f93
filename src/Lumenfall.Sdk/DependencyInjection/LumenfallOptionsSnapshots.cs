using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Lumenfall.Sdk;

/// <summary>
/// The frozen options each registration's clients are built from: taken once, replaced when the configuration reloads.
/// A reload that leaves the options unusable is logged and ignored, so clients keep being built from the last good
/// settings instead of every resolve failing.
/// </summary>
internal sealed class LumenfallOptionsSnapshots(IOptionsMonitor<LumenfallOptions> monitor, ILoggerFactory? loggerFactory = null) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Snapshot>> _snapshots = new(StringComparer.Ordinal);

    private IOptionsMonitor<LumenfallOptions> Monitor => monitor;

    private ILogger? Logger { get; } = loggerFactory?.CreateLogger("Lumenfall.Sdk");

    /// <summary>The current frozen options of registration <paramref name="name"/>.</summary>
    public LumenfallOptions Get(string name) => _snapshots.GetOrAdd(name, n => new Lazy<Snapshot>(() => new Snapshot(this, n))).Value.Current;

    public void Dispose()
    {
        foreach (Lazy<Snapshot> snapshot in _snapshots.Values)
        {
            if (snapshot.IsValueCreated)
            {
                snapshot.Value.Dispose();
            }
        }
    }

    private sealed class Snapshot : IDisposable
    {
        private readonly IDisposable? _subscription;
        private LumenfallOptions _current;

        public Snapshot(LumenfallOptionsSnapshots owner, string name)
        {
            _current = Frozen(owner.Monitor.Get(name));
            _subscription = owner.Monitor.OnChange((options, changed) =>
            {
                if (changed != name)
                {
                    return;
                }

                IReadOnlyList<string> problems = options.Validate();
                if (problems.Count == 0)
                {
                    Volatile.Write(ref _current, Frozen(options));
                }
                else
                {
                    if (owner.Logger is { } logger)
                    {
                        Lumenfall.Sdk.Diagnostics.Log.ReloadIgnored(logger, string.Join(" ", problems));
                    }
                }
            });
        }

        public LumenfallOptions Current => Volatile.Read(ref _current);

        public void Dispose() => _subscription?.Dispose();

        private static LumenfallOptions Frozen(LumenfallOptions options) => options.Clone().Freeze();
    }
}
