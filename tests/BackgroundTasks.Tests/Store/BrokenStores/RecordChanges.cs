namespace BackgroundTasks.Tests.Store;

/// <summary>The fields a transition sets, for the deliberately broken stores (which get other parts of the contract wrong).</summary>
internal static class RecordChanges
{
    public static JobRecord Apply(JobRecord current, JobTransition change) => change.Status switch
    {
        JobStatus.Running => current with { Status = JobStatus.Running, Attempt = change.Attempt, StartedAt = change.Timestamp, ScheduledAt = null },
        JobStatus.Retrying or JobStatus.Scheduled => current with { Status = change.Status, ScheduledAt = change.ScheduledAt, Error = change.Error ?? current.Error },
        JobStatus.Succeeded => current with { Status = JobStatus.Succeeded, FinishedAt = change.Timestamp, Result = change.Result, ScheduledAt = null },
        JobStatus.Failed or JobStatus.Cancelled => current with { Status = change.Status, FinishedAt = change.Timestamp, Error = change.Error ?? current.Error, ScheduledAt = null },
        _ => current with { Status = change.Status, ScheduledAt = null },
    };
}
