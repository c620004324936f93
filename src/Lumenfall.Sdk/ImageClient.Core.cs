using Lumenfall.Sdk.Transports;

namespace Lumenfall.Sdk;

/// <summary>What a client uses for one call: one frozen snapshot of options and the transports built from it.</summary>
public partial class ImageClient
{
    /// <summary>A frozen snapshot of options and its transports; a call takes one when it starts and keeps it.</summary>
    private sealed class Core(LumenfallOptions options, Dictionary<ImageService, IImageTransport> transports)
    {
        public LumenfallOptions Options { get; } = options;

        public Dictionary<ImageService, IImageTransport> Transports { get; } = transports;
    }

    /// <summary>
    /// Follows a source of frozen snapshots (a host's options, replaced on a configuration reload): the transports are
    /// rebuilt once per new snapshot, so a singleton client uses the current key and endpoints on every call, and one
    /// call's key and endpoints never disagree.
    /// </summary>
    private sealed class Following(Func<LumenfallOptions> snapshot, Func<LumenfallOptions, Core> build)
    {
        private Core? _last;

        public Core Current()
        {
            LumenfallOptions options = snapshot();
            Core? last = Volatile.Read(ref _last);
            if (last is not null && ReferenceEquals(last.Options, options))
            {
                return last;
            }

            // Two calls racing over a reload may each build one: both are complete and valid, and the last one stays.
            Core built = build(options);
            Volatile.Write(ref _last, built);
            return built;
        }
    }
}
