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

    /// <summary>Gets how long a delivery nobody waits for is kept for an operation that may still start waiting (10 minutes from its arrival).</summary>
    public static TimeSpan Retention { get; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Gets or sets whether this process receives fal webhooks (<c>MapFalWebhooks</c> sets it; set it yourself for a
    /// receiver of your own). Only then does an operation submitted with a webhook poll as a slow fallback
    /// (<see cref="PollingOptions.WebhookFallbackInterval"/>); without a receiver here it polls as usual.
    /// </summary>
    public static bool HasReceiver { get; set; }

    /// <summary>Hands a verified delivery to the operation waiting for its request, if one is, in this process.</summary>
    /// <param name="delivery">The delivery, already verified.</param>
    /// <returns>True when an operation of this process was waiting for it.</returns>
    public static bool Deliver(FalWebhookDelivery delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        DateTimeOffset now = TimeProvider.System.GetUtcNow();
        Prune(now);
        while (true)
        {
            Slot slot = Slots.GetOrAdd(delivery.RequestId, _ => new Slot());
            lock (slot)
            {
                if (slot.Removed)
                {
                    continue;   // swept between the lookup and the lock: take a fresh slot
                }

                slot.DeliveredAt = now;
                slot.Delivered.TrySetResult(delivery);
                return slot.Waiters > 0;
            }
        }
    }

    /// <summary>Completes when a delivery for <paramref name="requestId"/> arrives (or has arrived); dispose the returned handle when done.</summary>
    internal static Waiter Wait(string requestId)
    {
        while (true)
        {
            Slot slot = Slots.GetOrAdd(requestId, _ => new Slot());
            lock (slot)
            {
                if (slot.Removed)
                {
                    continue;
                }

                slot.Waiters++;
                return new Waiter(requestId, slot);
            }
        }
    }

    /// <summary>Gets how many request ids the inbox holds now (waited for, or delivered and kept).</summary>
    internal static int Held(string requestId) => Slots.ContainsKey(requestId) ? 1 : 0;

    /// <summary>Removes deliveries nobody waited for within <see cref="Retention"/> of their arrival.</summary>
    private static void Prune(DateTimeOffset now)
    {
        foreach ((string id, Slot slot) in Slots)
        {
            lock (slot)
            {
                if (slot.Waiters == 0 && slot.DeliveredAt is DateTimeOffset at && now - at > Retention)
                {
                    slot.Removed = true;
                    Slots.TryRemove(KeyValuePair.Create(id, slot));
                }
            }
        }
    }

    internal sealed class Slot
    {
        public int Waiters;

        public bool Removed;

        public DateTimeOffset? DeliveredAt;

        public TaskCompletionSource<FalWebhookDelivery> Delivered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>One operation's wait for its delivery.</summary>
    internal sealed class Waiter(string requestId, Slot slot) : IDisposable
    {
        private int _disposed;

        public Task<FalWebhookDelivery> Delivered => slot.Delivered.Task;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            lock (slot)
            {
                // The last waiter gone: the slot goes too (a delivery still to come starts a new one, kept for Retention).
                if (--slot.Waiters == 0)
                {
                    slot.Removed = true;
                    Slots.TryRemove(KeyValuePair.Create(requestId, slot));
                }
            }
        }
    }
}
