namespace BackgroundTasks.Testing;

/// <summary>
/// Counts the writes that change a job's status in the store (adds, transitions, deletes): how many started
/// and how many finished, read together, and a task that completes at the next finished write. A scan of the
/// store is a true snapshot when no write was running as it began and none started before it ended.
/// </summary>
internal sealed class StoreWrites
{
    private readonly Lock _gate = new();
    private long _started;
    private long _finished;
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Reads both counts at one moment.</summary>
    public (long Started, long Finished) Read()
    {
        lock (_gate)
        {
            return (_started, _finished);
        }
    }

    public void Started()
    {
        lock (_gate)
        {
            _started++;
        }
    }

    public void Finished()
    {
        TaskCompletionSource done;
        lock (_gate)
        {
            _finished++;
            done = _next;
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        done.TrySetResult();
    }

    /// <summary>Completes once more than <paramref name="finished"/> writes have finished.</summary>
    public Task FinishedBeyond(long finished)
    {
        lock (_gate)
        {
            return _finished > finished ? Task.CompletedTask : _next.Task;
        }
    }
}
