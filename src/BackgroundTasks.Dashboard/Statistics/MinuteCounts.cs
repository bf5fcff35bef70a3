namespace BackgroundTasks.Dashboard;

/// <summary>The counts of one minute of the throughput ring.</summary>
/// <param name="Start">The minute's start (UTC).</param>
/// <param name="Enqueued">Jobs accepted.</param>
/// <param name="Succeeded">Jobs that succeeded.</param>
/// <param name="Failed">Jobs that failed for good.</param>
/// <param name="Cancelled">Jobs cancelled.</param>
/// <param name="Retried">Failed attempts that will be retried.</param>
internal readonly record struct MinuteCounts(DateTimeOffset Start, long Enqueued, long Succeeded, long Failed, long Cancelled, long Retried)
{
    public long Finished => Succeeded + Failed + Cancelled;
}
