using Microsoft.Extensions.Time.Testing;

namespace BackgroundTasks.Testing;

/// <summary>
/// The <see cref="TimeProvider"/> of a <see cref="JobsTestHost"/>: the fake clock, and the times its timers are
/// due. The engine records a delayed job or a retry, then sets its timer from a reading of the clock; the host
/// moves the clock only once that timer is set, or the job would wait a whole delay longer.
/// </summary>
internal sealed class WatchedClock(FakeTimeProvider fake, HostActivity activity) : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly Dictionary<DateTimeOffset, int> _due = [];

    public FakeTimeProvider Fake => fake;

    public override TimeZoneInfo LocalTimeZone => fake.LocalTimeZone;

    public override long TimestampFrequency => fake.TimestampFrequency;

    public override DateTimeOffset GetUtcNow() => fake.GetUtcNow();

    public override long GetTimestamp() => fake.GetTimestamp();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return new WatchedTimer(this, callback, state, dueTime, period);
    }

    /// <summary>Counts the timers set to fire at each of these times, read at one moment.</summary>
    public Dictionary<DateTimeOffset, int> DueTimes()
    {
        lock (_gate)
        {
            return new Dictionary<DateTimeOffset, int>(_due);
        }
    }

    /// <summary>Gets the time a timer set now to fire after <paramref name="dueTime"/> is due; <see langword="null"/> when it is not set.</summary>
    internal DateTimeOffset? DueAfter(TimeSpan dueTime) => dueTime == Timeout.InfiniteTimeSpan ? null : fake.GetUtcNow() + dueTime;

    /// <summary>Moves a timer's due time: <paramref name="from"/> is forgotten and <paramref name="to"/> known, each when not <see langword="null"/>.</summary>
    /// <returns><paramref name="to"/>.</returns>
    internal DateTimeOffset? Move(DateTimeOffset? from, DateTimeOffset? to)
    {
        lock (_gate)
        {
            if (from is { } previous && _due.TryGetValue(previous, out var count))
            {
                if (count == 1)
                {
                    _due.Remove(previous);
                }
                else
                {
                    _due[previous] = count - 1;
                }
            }

            if (to is { } next)
            {
                _due[next] = _due.GetValueOrDefault(next) + 1;
            }
        }

        if (to is not null)
        {
            activity.TimerChanged();
        }

        return to;
    }
}
