namespace BackgroundTasks;

/// <summary>What one worker loop carries from one job to the next.</summary>
internal sealed class WorkerState(TimeProvider time)
{
    /// <summary>Gets or sets the token source the next job runs with; reset and reused while jobs end without cancellation.</summary>
    public CancellationTokenSource Cts { get; set; } = NewSource(time);

    /// <summary>
    /// Gets or sets the clock reading (UTC ticks) that ended the last job, while the worker goes straight on
    /// to the next one; 0 once the worker waited or ran a job the slow way.
    /// </summary>
    public long LastReading { get; set; }

    /// <summary>Gets or sets how many queue slots of jobs this worker took it has not given back yet (see <see cref="NamedJobQueue.ReleaseTaken"/>).</summary>
    public int TakenSlots { get; set; }

    /// <summary>Creates a token source whose <see cref="CancellationTokenSource.CancelAfter(TimeSpan)"/> runs on <paramref name="time"/>.</summary>
    /// <remarks>
    /// On the system clock the source gets no timer until a job with a timeout arms one: a source made
    /// with a time provider carries a timer from the start, and resetting it between jobs then takes the
    /// timer queue's lock (about 12 ns a job, measured).
    /// </remarks>
    public static CancellationTokenSource NewSource(TimeProvider time)
        => ReferenceEquals(time, TimeProvider.System) ? new CancellationTokenSource() : new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);

    private JobEntry? _retiredFirst;
    private JobEntry? _retiredLast;
    private int _retiredCount;
    private long _retiredAt;

    /// <summary>
    /// Keeps a job that just finished (its terminal status recorded, its waiters told) for the in-memory
    /// store's retention, which takes the worker's finished jobs in batches (<see cref="InMemoryJobStore.RetireBatch"/>).
    /// </summary>
    public void Retire(InMemoryJobStore store, JobEntry entry, long now)
    {
        entry.RetainedSince = now;
        entry.NextFinished = null;
        if (_retiredLast is null)
        {
            _retiredFirst = entry;
        }
        else
        {
            _retiredLast.NextFinished = entry;
        }

        _retiredLast = entry;
        _retiredAt = now;
        if (++_retiredCount >= store.RetireBatch)
        {
            FlushRetired(store);
        }
    }

    /// <summary>Hands the finished jobs kept so far to the store's retention. Call it before the worker waits, yields or stops.</summary>
    public void FlushRetired(InMemoryJobStore? store)
    {
        if (store is not null && _retiredFirst is { } first)
        {
            var last = _retiredLast!;
            var count = _retiredCount;
            _retiredFirst = _retiredLast = null;
            _retiredCount = 0;
            store.RetireChain(first, last, count, _retiredAt);
        }
    }
}
