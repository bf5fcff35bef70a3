namespace BackgroundTasks;

/// <summary>A change of a job's status that the library asks a store to record.</summary>
/// <param name="Status">The new status.</param>
/// <param name="Attempt">The attempt the change belongs to (for <see cref="JobStatus.Running"/>, the attempt that starts).</param>
/// <param name="Timestamp">When the change happened, from the library's <see cref="TimeProvider"/>.</param>
/// <param name="ScheduledAt">For <see cref="JobStatus.Retrying"/>, when the job is due to be queued again. (A job is Scheduled only when added.)</param>
/// <param name="Error">For <see cref="JobStatus.Retrying"/>, <see cref="JobStatus.Failed"/> and some <see cref="JobStatus.Cancelled"/> changes, what went wrong.</param>
/// <param name="Result">For <see cref="JobStatus.Succeeded"/>, what the job returned, if anything.</param>
/// <param name="CancelReason">For <see cref="JobStatus.Cancelled"/>, why the job was cancelled.</param>
public readonly record struct JobTransition(
    JobStatus Status,
    int Attempt,
    DateTimeOffset Timestamp,
    DateTimeOffset? ScheduledAt = null,
    JobError? Error = null,
    object? Result = null,
    JobCancelReason CancelReason = JobCancelReason.None)
{
    /// <summary>
    /// Tells whether a job may move from one status to another. Terminal statuses are final; a job moves
    /// Scheduled → Queued → Running → (Retrying → Queued → Running)* → Succeeded | Failed, and may be
    /// Cancelled from any status that is not terminal. A terminal status is also allowed from any other
    /// non-terminal status, so that a job's end is recorded even when a store lost an earlier write.
    /// </summary>
    /// <param name="from">The current status.</param>
    /// <param name="to">The requested status.</param>
    /// <returns><see langword="true"/> when the change moves the job forward.</returns>
    public static bool IsAllowed(JobStatus from, JobStatus to) => from switch
    {
        _ when from.IsTerminal() => false,
        _ when to.IsTerminal() => true,
        JobStatus.Scheduled => to == JobStatus.Queued,
        JobStatus.Queued => to == JobStatus.Running,
        JobStatus.Running => to is JobStatus.Retrying,
        JobStatus.Retrying => to is JobStatus.Queued,
        _ => false,
    };
}
