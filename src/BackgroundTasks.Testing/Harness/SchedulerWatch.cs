using BackgroundTasks.Recurring;

namespace BackgroundTasks.Testing;

/// <summary>
/// The recurring scheduler of a <see cref="JobsTestHost"/>, when the services add recurring jobs. The host is idle
/// only while the scheduler waits for its timer, every occurrence due so far enqueued, and it stops the clock at the
/// time that timer is due, so that each occurrence is enqueued and run at its own time.
/// </summary>
internal sealed class SchedulerWatch(RecurringScheduler? scheduler)
{
    /// <summary>Reads the scheduler at one moment: whether it runs, and until when it waits (<see langword="null"/> while it works).</summary>
    public SchedulerState Read()
        => scheduler is { ExecuteTask: { IsCompleted: false } } running
            ? new SchedulerState(true, running.WaitingUntil)
            : new SchedulerState(false, null);

    /// <summary>
    /// Tells whether the scheduler is idle at <paramref name="now"/>: it does not run, or it has waited since
    /// <paramref name="before"/> (read before the store was) for a time after now, and its timer is set on the clock.
    /// A timer counted here is taken from <paramref name="timers"/>.
    /// </summary>
    public bool IsIdle(SchedulerState before, DateTimeOffset now, Dictionary<DateTimeOffset, int> timers)
    {
        var after = Read();
        if (!after.Running)
        {
            return true;
        }

        if (after != before || after.WaitingUntil is not { } wake || wake <= now || timers.GetValueOrDefault(wake) == 0)
        {
            return false;
        }

        timers[wake]--;
        return true;
    }
}
