using Microsoft.Extensions.Time.Testing;

namespace Lumenfall.Sdk.Testing.Fakes;

/// <summary>
/// The official <see cref="FakeTimeProvider"/> (Microsoft.Extensions.TimeProvider.Testing keeps the time and fires
/// timers in due order as a test advances it), plus the one thing it does not offer and these tests need: seeing the
/// waits the code under test arms, as it arms them (<see cref="NextTimerAsync"/>, <see cref="TimerArmed"/>,
/// <see cref="NextDueAt"/>). With it a test waits for the SDK's poll interval, backoff or an emulator's delay to be
/// scheduled and advances by exactly that much, instead of sleeping on real time.
/// </summary>
internal sealed class TestClock : FakeTimeProvider
{
    /// <summary>The start of every test's clock.</summary>
    public static readonly DateTimeOffset Epoch = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    private readonly object _gate = new();
    private readonly List<ObservedTimer> _timers = [];
    private readonly List<Scheduled> _scheduled = [];
    private readonly List<(Func<TimeSpan, bool> Filter, TaskCompletionSource<TimeSpan> Waiter)> _waiters = [];
    private TaskCompletionSource _armed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TestClock()
        : base(Epoch)
    {
    }

    /// <summary>Gets how many timers are waiting to fire.</summary>
    public int PendingTimers
    {
        get
        {
            lock (_gate)
            {
                return _timers.Count(t => t.DueAt is not null);
            }
        }
    }

    /// <summary>Gets when the earliest pending timer falls due, or null when no timer is pending.</summary>
    public DateTimeOffset? NextDueAt
    {
        get
        {
            lock (_gate)
            {
                return _timers.Where(t => t.DueAt is not null).Select(t => t.DueAt).Min();
            }
        }
    }

    /// <summary>Gets a task that completes the next time any timer is armed (created with a due time, or changed to one).</summary>
    public Task TimerArmed
    {
        get
        {
            lock (_gate)
            {
                return _armed.Task;
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ObservedTimer(this, callback, state);
        timer.Inner = base.CreateTimer(static s => ((ObservedTimer)s!).Fire(), timer, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        lock (_gate)
        {
            _timers.Add(timer);
        }

        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>
    /// Returns the due time of the next timer armed (since the last call) whose due time matches
    /// <paramref name="filter"/>, waiting for one if none has been armed yet.
    /// </summary>
    public Task<TimeSpan> NextTimerAsync(Func<TimeSpan, bool> filter)
    {
        lock (_gate)
        {
            Scheduled? ready = _scheduled.FirstOrDefault(s => !s.Taken && filter(s.DueTime));
            if (ready is not null)
            {
                ready.Taken = true;
                return Task.FromResult(ready.DueTime);
            }

            var waiter = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((filter, waiter));
            return waiter.Task;
        }
    }

    /// <summary>Waits for the next timer of at most <paramref name="max"/> and advances the clock by its due time.</summary>
    public async Task<TimeSpan> AdvanceToNextTimerAsync(TimeSpan max)
    {
        TimeSpan due = await NextTimerAsync(d => d <= max).WaitAsync(TimeSpan.FromSeconds(10));
        Advance(due);
        return due;
    }

    /// <summary>Moves the clock forward to <paramref name="target"/> (never back), firing every timer due on the way.</summary>
    public void AdvanceTo(DateTimeOffset target)
    {
        TimeSpan by = target - GetUtcNow();
        Advance(by > TimeSpan.Zero ? by : TimeSpan.Zero);
    }

    /// <summary>
    /// Records that <paramref name="timer"/> is being armed; returns the wake-up of whoever waits for it, which the caller
    /// runs only once the underlying timer is armed: a test woken earlier could advance the clock before the timer
    /// exists, and the timer would then wait a whole due time more, with nobody left to advance it.
    /// </summary>
    private Action Armed(ObservedTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        TaskCompletionSource<TimeSpan>? waiter = null;
        TaskCompletionSource? armed = null;
        lock (_gate)
        {
            timer.Period = period == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : period;
            timer.DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : GetUtcNow() + dueTime;
            foreach (Scheduled stale in _scheduled.Where(x => x.Timer == timer))
            {
                stale.Taken = true;   // re-armed: the earlier due time no longer stands
            }

            if (timer.DueAt is not null)
            {
                var scheduled = new Scheduled(dueTime, timer);
                int index = _waiters.FindIndex(w => w.Filter(dueTime));
                if (index >= 0)
                {
                    waiter = _waiters[index].Waiter;
                    _waiters.RemoveAt(index);
                    scheduled.Taken = true;
                }

                _scheduled.Add(scheduled);
                armed = _armed;
                _armed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        return () =>
        {
            waiter?.TrySetResult(dueTime);
            armed?.TrySetResult();
        };
    }

    private void Fired(ObservedTimer timer)
    {
        lock (_gate)
        {
            timer.DueAt = timer.Period > TimeSpan.Zero ? GetUtcNow() + timer.Period : null;
        }
    }

    private void Removed(ObservedTimer timer)
    {
        lock (_gate)
        {
            _timers.Remove(timer);
            foreach (Scheduled stale in _scheduled.Where(x => x.Timer == timer))
            {
                stale.Taken = true;   // disposed timers never fire, so tests never wait on them
            }
        }
    }

    private sealed class Scheduled(TimeSpan dueTime, ObservedTimer timer)
    {
        public TimeSpan DueTime { get; } = dueTime;

        public ObservedTimer Timer { get; } = timer;

        public bool Taken { get; set; }
    }

    /// <summary>The official timer underneath, with what it is armed for recorded on the way.</summary>
    private sealed class ObservedTimer(TestClock owner, TimerCallback callback, object? state) : ITimer
    {
        public ITimer Inner { get; set; } = null!;

        public DateTimeOffset? DueAt { get; set; }

        public TimeSpan Period { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Action wake = owner.Armed(this, dueTime, period);
            bool changed = Inner.Change(dueTime, period);
            wake();
            return changed;
        }

        public void Fire()
        {
            owner.Fired(this);
            callback(state);
        }

        public void Dispose()
        {
            owner.Removed(this);
            Inner.Dispose();
        }

        public async ValueTask DisposeAsync()
        {
            owner.Removed(this);
            await Inner.DisposeAsync().ConfigureAwait(false);
        }
    }
}
