namespace Lumenfall.Sdk.Testing.Fakes;

/// <summary>
/// A clock that moves only when a test calls <see cref="Advance"/>. Timers (and so <c>Task.Delay</c> and
/// <c>CancellationTokenSource</c> timeouts created with this provider) fire in due order during the advance.
/// </summary>
internal sealed class FakeTimeProvider : TimeProvider
{
    private readonly object _gate = new();
    private readonly List<FakeTimer> _timers = [];
    private DateTimeOffset _now;
    private readonly List<Scheduled> _scheduled = [];
    private readonly List<(Func<TimeSpan, bool> Filter, TaskCompletionSource<TimeSpan> Waiter)> _waiters = [];
    private TaskCompletionSource _armed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public FakeTimeProvider(DateTimeOffset? start = null) => _now = start ?? new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

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
                DateTimeOffset? earliest = null;
                foreach (FakeTimer timer in _timers)
                {
                    if (timer.DueAt is { } due && (earliest is null || due < earliest))
                    {
                        earliest = due;
                    }
                }

                return earliest;
            }
        }
    }

    /// <summary>
    /// Gets a task that completes the next time any timer is armed (created with a due time, or changed to one).
    /// Lets a driver wait for work running off its thread without sleeping on real time.
    /// </summary>
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

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new FakeTimer(this, callback, state);
        lock (_gate)
        {
            _timers.Add(timer);
        }

        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>
    /// Returns the due time of the next timer scheduled (since the last call) whose due time matches
    /// <paramref name="filter"/>, waiting for one if none has been scheduled yet. Lets a test see the SDK's waits
    /// (for example poll intervals) and advance by exactly that much.
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

    /// <summary>Moves the clock forward to <paramref name="target"/> (never back), firing every timer due on the way, in order.</summary>
    public void AdvanceTo(DateTimeOffset target)
    {
        TimeSpan by = target - GetUtcNow();
        Advance(by > TimeSpan.Zero ? by : TimeSpan.Zero);
    }

    /// <summary>Moves the clock forward, firing every timer that falls due on the way, in order.</summary>
    public void Advance(TimeSpan by)
    {
        DateTimeOffset target;
        lock (_gate)
        {
            target = _now + by;
        }

        while (true)
        {
            FakeTimer? next;
            lock (_gate)
            {
                next = _timers.Where(t => t.DueAt is { } due && due <= target).OrderBy(t => t.DueAt).FirstOrDefault();
                if (next is null)
                {
                    _now = target;
                    return;
                }

                _now = next.DueAt!.Value;
                next.DueAt = next.Period > TimeSpan.Zero ? _now + next.Period : null;
            }

            next.Fire();
        }
    }

    private void Schedule(FakeTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        TaskCompletionSource<TimeSpan>? waiter = null;
        TaskCompletionSource? armed = null;
        lock (_gate)
        {
            timer.Period = period == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : period;
            timer.DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : _now + dueTime;
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

        waiter?.TrySetResult(dueTime);
        armed?.TrySetResult();
    }

    private void Remove(FakeTimer timer)
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

    private sealed class Scheduled(TimeSpan dueTime, FakeTimer timer)
    {
        public TimeSpan DueTime { get; } = dueTime;

        public FakeTimer Timer { get; } = timer;

        public bool Taken { get; set; }
    }

    private sealed class FakeTimer(FakeTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset? DueAt { get; set; }

        public TimeSpan Period { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            owner.Schedule(this, dueTime, period);
            return true;
        }

        public void Fire() => callback(state);

        public void Dispose() => owner.Remove(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
