using BackgroundTasks.Recurring;
using Microsoft.Extensions.Time.Testing;

namespace BackgroundTasks.Tests.Recurring;

/// <summary>A <see cref="FakeTimeProvider"/> that lets a test wait until the recurring scheduler(s) have set their timer for a given time.</summary>
public sealed class SchedulerClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<DateTimeOffset, int> _timers = [];
    private readonly List<(Func<bool> Condition, TaskCompletionSource Done)> _waiters = [];

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        if (state is DueSignal)
        {
            var at = GetUtcNow() + dueTime;
            lock (_gate)
            {
                _timers[at] = _timers.GetValueOrDefault(at) + 1;
                foreach (var waiter in _waiters.Where(w => w.Condition()).ToList())
                {
                    waiter.Done.TrySetResult();
                    _waiters.Remove(waiter);
                }
            }
        }

        return timer;
    }

    /// <summary>Waits until <paramref name="schedulers"/> scheduler timers due at <paramref name="at"/> were set, then moves the clock there.</summary>
    public async Task AdvanceWhenScheduledAsync(DateTimeOffset at, int schedulers, CancellationToken cancellationToken)
    {
        await WaitForScheduledAsync(at, schedulers, cancellationToken);
        SetUtcNow(at);
    }

    /// <summary>Counts the scheduler timers set so far that are due at <paramref name="at"/>.</summary>
    public int TimersAt(DateTimeOffset at)
    {
        lock (_gate)
        {
            return _timers.GetValueOrDefault(at);
        }
    }

    /// <summary>Waits until <paramref name="schedulers"/> scheduler timers due at <paramref name="at"/> were set.</summary>
    public Task WaitForScheduledAsync(DateTimeOffset at, int schedulers, CancellationToken cancellationToken)
        => WaitAsync(() => _timers.GetValueOrDefault(at) >= schedulers, $"{schedulers} scheduler timer(s) due at {at:u}", cancellationToken);

    /// <summary>Waits until a scheduler timer due after <paramref name="after"/> was set.</summary>
    public Task WaitForTimerAfterAsync(DateTimeOffset after, CancellationToken cancellationToken)
        => WaitAsync(() => _timers.Keys.Any(at => at > after), $"a scheduler timer due after {after:u}", cancellationToken);

    private async Task WaitAsync(Func<bool> condition, string what, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (condition())
            {
                return;
            }

            _waiters.Add((condition, done));
        }

        try
        {
            await done.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            string seen;
            lock (_gate)
            {
                seen = string.Join(", ", _timers.OrderBy(t => t.Key).TakeLast(6).Select(t => $"{t.Key:u} x{t.Value}"));
            }

            Assert.Fail($"Timed out waiting for {what}; the latest scheduler timers were due at: {seen}.");
        }
    }
}
