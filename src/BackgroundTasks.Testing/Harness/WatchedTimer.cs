namespace BackgroundTasks.Testing;

/// <summary>
/// A timer of the fake clock whose due time the <see cref="WatchedClock"/> knows, until it fires (once) or is
/// disposed. The due time becomes known only once the fake clock's timer is set, so that whoever reads it may
/// move the clock at once.
/// </summary>
internal sealed class WatchedTimer : ITimer
{
    private readonly Lock _gate = new();
    private readonly WatchedClock _clock;
    private readonly TimerCallback _callback;
    private readonly ITimer _inner;
    private DateTimeOffset? _due;
    private TimeSpan _period;
    private bool _fired;
    private bool _disposed;

    public WatchedTimer(WatchedClock clock, TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        _clock = clock;
        _callback = callback;
        lock (_gate)
        {
            _period = period;
            var due = clock.DueAfter(dueTime);

            // Under the lock, so that it fires only after its due time is known (a timer due at once fires on this thread, inside).
            _inner = clock.Fake.CreateTimer(
                static s =>
                {
                    var (timer, state) = ((WatchedTimer, object?))s!;
                    timer.Fire(state);
                },
                (this, state),
                dueTime,
                period);
            if (!_fired)
            {
                _due = clock.Move(null, due);
            }
        }
    }

    public bool Change(TimeSpan dueTime, TimeSpan period)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return false;
            }

            _due = _clock.Move(_due, null);
            _period = period;
            _fired = false;
            var due = _clock.DueAfter(dueTime);
            var changed = _inner.Change(dueTime, period);
            if (!_fired)
            {
                _due = _clock.Move(null, due);
            }

            return changed;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _due = _clock.Move(_due, null);
            _inner.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private void Fire(object? state)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            // A periodic timer is due again one period later; a one-shot timer is not due any more.
            var periodic = _period != Timeout.InfiniteTimeSpan && _period != TimeSpan.Zero;
            _due = _clock.Move(_due, periodic ? _due + _period : null);
            _fired = _due is null;
        }

        _callback(state);
    }
}
