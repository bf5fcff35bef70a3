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

    /// <summary>Tells the observers about a change recorded for a job this host does not hold (a durable job cancelled or failed through the store).</summary>
    private void Observe(JobRecord record, in JobTransition change)
    {
        if (Hooks.HasObservers)
        {
            Hooks.Changed(record.Id, record.Name, record.Queue, record.MaxAttempts, change);
        }
    }
}
