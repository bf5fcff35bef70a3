using Microsoft.Extensions.Time.Testing;

namespace BackgroundTasks.Tests;

/// <summary>A <see cref="FakeTimeProvider"/> that lets a test wait until the code under test has set a timer.</summary>
public sealed class TestClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly Lock _gate = new();
    private readonly List<TimeSpan> _dueTimes = [];
    private readonly List<(TimeSpan DueTime, TaskCompletionSource Created)> _waiters = [];

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        lock (_gate)
        {
            _dueTimes.Add(dueTime);
            foreach (var waiter in _waiters.Where(w => w.DueTime == dueTime).ToList())
            {
                waiter.Created.TrySetResult();
                _waiters.Remove(waiter);
            }
        }

        return timer;
    }

    /// <summary>Waits until a timer with the given due time has been created (now or earlier).</summary>
    public async Task WaitForTimerAsync(TimeSpan dueTime, CancellationToken cancellationToken)
    {
        Task created;
        lock (_gate)
        {
            if (_dueTimes.Contains(dueTime))
            {
                return;
            }

            var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((dueTime, tcs));
            created = tcs.Task;
        }

        try
        {
            await created.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"Timed out waiting for a timer due in {dueTime} to be created.");
        }
    }
}
