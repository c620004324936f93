using System.Threading.RateLimiting;

namespace Lumenfall.Sdk.Batch;

/// <summary>
/// One service's lane: a concurrency limiter (System.Threading.RateLimiting) and a pause. A 429 with
/// <c>Retry-After</c> pauses the whole lane, so every job waiting for that service waits, not only the refused one.
/// </summary>
internal sealed class ServiceLane(int concurrency, TimeProvider time) : IDisposable
{
    private readonly ConcurrencyLimiter _limiter = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = concurrency,
        QueueLimit = int.MaxValue,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    private readonly object _gate = new();
    private DateTimeOffset _pausedUntil = DateTimeOffset.MinValue;

    /// <summary>Takes a place in the lane, then waits out any pause.</summary>
    public async Task<RateLimitLease> EnterAsync(CancellationToken cancellationToken)
    {
        RateLimitLease lease = await _limiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        try
        {
            while (PausedFor() is TimeSpan wait)
            {
                await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
            }

            return lease;
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    /// <summary>Pauses the lane for <paramref name="wait"/> from now (a longer pause already set stays).</summary>
    public void Pause(TimeSpan wait)
    {
        lock (_gate)
        {
            DateTimeOffset until = time.GetUtcNow() + wait;
            _pausedUntil = until > _pausedUntil ? until : _pausedUntil;
        }
    }

    public void Dispose() => _limiter.Dispose();

    private TimeSpan? PausedFor()
    {
        lock (_gate)
        {
            TimeSpan left = _pausedUntil - time.GetUtcNow();
            return left > TimeSpan.Zero ? left : null;
        }
    }
}
