namespace BackgroundTasks;

/// <summary>Job filters and state observers (<see cref="JobHooks"/>), as the engine calls them.</summary>
internal sealed partial class JobEngine
{
    /// <summary>Gets the registered filters and observers.</summary>
    public JobHooks Hooks { get; }

    /// <summary>Tells the observers about a recorded change of a live job.</summary>
    private void Observe(LiveJob job, in JobTransition change)
    {
        if (Hooks.HasObservers)
        {
            Hooks.Changed(job.Id, job.Settings.Name, job.Settings.Queue, job.Settings.MaxAttempts, change);
        }
    }

    /// <summary>Tells the observers that a job was accepted: Queued, or Scheduled when it is due later.</summary>
    private void ObserveEnqueued(LiveJob job, DateTimeOffset? dueAt)
    {
        if (Hooks.HasObservers)
        {
            Observe(job, new JobTransition(dueAt is null ? JobStatus.Queued : JobStatus.Scheduled, job.Attempt, Time.GetUtcNow(), ScheduledAt: dueAt));
        }
    }

    /// <summary>
    /// Tells the observers about records that a durable store changed by its own decision, in a write of this host: jobs
    /// recovered from a host that is gone, and continuations settled when the job they continue ended. Only the host
    /// whose write decided them hears of them, so each change is heard once.
    /// </summary>
    /// <param name="records">The records as they are after the change.</param>
    /// <param name="at">When the change happened: the end that settled them, or the recovery's time.</param>
    public void ObserveStoreDecided(IReadOnlyList<JobRecord> records, DateTimeOffset at)
    {
        if (!Hooks.HasObservers)
        {
            return;
        }

        foreach (var record in records)
        {
            Observe(record, new JobTransition(record.Status, record.Attempt, record.FinishedAt ?? at, Error: record.Error, CancelReason: record.CancelReason));
        }
    }

    /// <summary>Tells the observers about a change recorded for a job this host does not hold (a durable job cancelled or failed through the store).</summary>
    private void Observe(JobRecord record, in JobTransition change)
    {
        if (Hooks.HasObservers)
        {
            Hooks.Changed(record.Id, record.Name, record.Queue, record.MaxAttempts, change);
        }
    }
}
