namespace BackgroundTasks.Dashboard;

/// <summary>What the throughput ring counts per minute.</summary>
internal enum JobOutcome
{
    Enqueued = 0,
    Succeeded = 1,
    Failed = 2,
    Cancelled = 3,
    Retried = 4,
}
