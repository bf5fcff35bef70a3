namespace BackgroundTasks.Testing;

/// <summary>
/// What a <see cref="JobsTestHost"/> waits on: the writes that change a job's status in the store (adds,
/// transitions, deletes), counted as started and finished and read together, and the timers set on the clock.
/// A scan of the store is a true snapshot when no write was running as it began and none started before it
/// ended; a change (a finished write, a timer set) completes the task that a wait for the next change got.
/// </summary>
internal sealed class HostActivity
{
    private readonly Lock _gate = new();
    private long _started;
    private long _finished;
    private long _changes;
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Reads the write counts and the number of changes at one moment.</summary>
    public (long Started, long Finished, long Changes) Read()
    {
        lock (_gate)
        {
            return (_started, _finished, _changes);
        }
    }

    public void WriteStarted()
    {
        lock (_gate)
        {
            _started++;
        }
    }

    public void WriteFinished()
    {
        TaskCompletionSource done;
        lock (_gate)
        {
            _finished++;
            done = NextLocked();
        }

        done.TrySetResult();
    }

    /// <summary>Tells the waiters that a timer was set or changed.</summary>
    public void TimerChanged()
    {
        TaskCompletionSource done;
        lock (_gate)
        {
            done = NextLocked();
        }

        done.TrySetResult();
    }

    /// <summary>Completes once more than <paramref name="changes"/> changes have happened.</summary>
    public Task ChangedSince(long changes)
    {
        lock (_gate)
        {
            return _changes > changes ? Task.CompletedTask : _next.Task;
        }
    }

    private TaskCompletionSource NextLocked()
    {
        _changes++;
        var done = _next;
        _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return done;
    }
}
