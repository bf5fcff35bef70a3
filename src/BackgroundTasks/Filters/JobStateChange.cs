namespace BackgroundTasks;

/// <summary>A change of a job's status, as an <see cref="IJobStateObserver"/> sees it.</summary>
public sealed class JobStateChange
{
    internal JobStateChange(JobId id, string? name, string queue, int maxAttempts, JobTransition transition)
    {
        Id = id;
        Name = name;
        Queue = queue;
        MaxAttempts = maxAttempts;
        Status = transition.Status;
        Attempt = transition.Attempt;
        Timestamp = transition.Timestamp;
        ScheduledAt = transition.ScheduledAt;
        Error = transition.Error;
        CancelReason = transition.CancelReason;
    }

    /// <summary>Gets the job's id.</summary>
    public JobId Id { get; }

    /// <summary>Gets the job's name: a typed job's registered name, or the name a lambda's options gave it, if any.</summary>
    public string? Name { get; }

    /// <summary>Gets the name of the job's queue.</summary>
    public string Queue { get; }

    /// <summary>
    /// Gets the job's new status: <see cref="JobStatus.Queued"/> or <see cref="JobStatus.Scheduled"/> when it is
    /// enqueued (and Queued again when a delayed job or a retry is due), <see cref="JobStatus.Running"/> when an
    /// attempt starts, then <see cref="JobStatus.Retrying"/>, <see cref="JobStatus.Succeeded"/>,
    /// <see cref="JobStatus.Failed"/> or <see cref="JobStatus.Cancelled"/>.
    /// </summary>
    public JobStatus Status { get; }

    /// <summary>Gets the attempt the change belongs to (0 before the first attempt).</summary>
    public int Attempt { get; }

    /// <summary>Gets how many attempts the job has in all.</summary>
    public int MaxAttempts { get; }

    /// <summary>Gets when the change happened, from the engine's <see cref="TimeProvider"/>.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>Gets when a <see cref="JobStatus.Scheduled"/> or <see cref="JobStatus.Retrying"/> job is due; otherwise <see langword="null"/>.</summary>
    public DateTimeOffset? ScheduledAt { get; }

    /// <summary>Gets what went wrong, for <see cref="JobStatus.Retrying"/>, <see cref="JobStatus.Failed"/> and some <see cref="JobStatus.Cancelled"/> changes.</summary>
    public JobError? Error { get; }

    /// <summary>Gets why a <see cref="JobStatus.Cancelled"/> job was cancelled; otherwise <see cref="JobCancelReason.None"/>.</summary>
    public JobCancelReason CancelReason { get; }

    /// <inheritdoc/>
    public override string ToString() => $"Job {Id} ({Name ?? "lambda"}, queue {Queue}): {Status}, attempt {Attempt} of {MaxAttempts}";
}
