using System.Collections.Concurrent;

namespace Lumenfall.Sdk;

/// <summary>
/// The process's inbox for fal webhook deliveries: an <see cref="ImageOperation"/> waiting in this process for the
/// delivered request completes at once, from the delivery's payload, without another status poll. A delivery that
/// arrives before its operation starts waiting is kept for <see cref="Retention"/>. <c>Lumenfall.Sdk.AspNetCore</c>'s
/// endpoint calls <see cref="Deliver"/> after verifying the signature; call it yourself from any other receiver,
/// after verifying.
/// </summary>
public static class FalWebhooks
{
    private static readonly ConcurrentDictionary<string, Slot> Slots = new(StringComparer.Ordinal);

    /// <summary>Gets how long a delivery nobody waits for is kept for an operation that may still start waiting (10 minutes).</summary>
    public static TimeSpan Retention { get; } = TimeSpan.FromMinutes(10);

    /// <summary>Hands a verified delivery to the operation waiting for its request, if one is, in this process.</summary>
    /// <param name="delivery">The delivery, already verified.</param>
    /// <returns>True when an operation of this process was waiting for it.</returns>
    public static bool Deliver(FalWebhookDelivery delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        Prune(TimeProvider.System.GetUtcNow());
        Slot slot = Slots.GetOrAdd(delivery.RequestId, _ => new Slot(TimeProvider.System.GetUtcNow()));
        bool waiting = slot.Waiters > 0;
        slot.Delivered.TrySetResult(delivery);
        return waiting;
    }

    /// <summary>Completes when a delivery for <paramref name="requestId"/> arrives (or has arrived); release the returned handle when done.</summary>
    internal static Waiter Wait(string requestId)
    {
        Slot slot = Slots.GetOrAdd(requestId, _ => new Slot(TimeProvider.System.GetUtcNow()));
        Interlocked.Increment(ref slot.Waiters);
        return new Waiter(requestId, slot);
    }

    private static void Prune(DateTimeOffset now)
    {
        foreach ((string id, Slot slot) in Slots)
        {
            if (slot.Waiters == 0 && now - slot.Created > Retention)
            {
                Slots.TryRemove(id, out _);
            }
        }
    }

    internal sealed class Slot(DateTimeOffset created)
    {
        public int Waiters;

        public DateTimeOffset Created { get; } = created;

        public TaskCompletionSource<FalWebhookDelivery> Delivered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>One operation's wait for its delivery.</summary>
    internal sealed class Waiter(string requestId, Slot slot) : IDisposable
    {
        public Task<FalWebhookDelivery> Delivered => slot.Delivered.Task;

        public void Dispose()
        {
            if (Interlocked.Decrement(ref slot.Waiters) == 0 && slot.Delivered.Task.IsCompleted)
            {
                Slots.TryRemove(KeyValuePair.Create(requestId, slot));   // consumed: a later duplicate starts a new slot
            }
        }
    }
}
