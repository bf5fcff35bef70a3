namespace BackgroundTasks;

/// <summary>What one worker loop carries from one job to the next.</summary>
internal sealed class WorkerState(TimeProvider time)
{
    /// <summary>Gets or sets the token source the next job runs with; reset and reused while jobs end without cancellation.</summary>
    public CancellationTokenSource Cts { get; set; } = new(Timeout.InfiniteTimeSpan, time);

    /// <summary>
    /// Gets or sets the clock reading (UTC ticks) that ended the last job, while the worker goes straight on
    /// to the next one; 0 once the worker waited or ran a job the slow way.
    /// </summary>
    public long LastReading { get; set; }

    /// <summary>Gets or sets how many queue slots of jobs this worker took it has not given back yet (see <see cref="NamedJobQueue.ReleaseTaken"/>).</summary>
    public int TakenSlots { get; set; }
}
