namespace BackgroundTasks.Dashboard.Tests;

/// <summary>Bounded waits on a job's record, with a message that says what was awaited.</summary>
public static class Wait
{
    /// <summary>Follows the job's changes (<see cref="IJobMonitor.WatchAsync"/>) until its record matches, until the token fires.</summary>
    public static async Task<JobRecord> ForAsync(IJobMonitor monitor, JobId id, Func<JobRecord, bool> condition, string what, CancellationToken cancellationToken)
    {
        JobRecord? last = null;
        try
        {
            await foreach (var record in monitor.WatchAsync(id, cancellationToken))
            {
                last = record;
                if (condition(record))
                {
                    return record;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new AssertionException($"Timed out waiting for job {id} {what}; last record: {last?.Status} {last?.Progress}.");
        }

        throw new AssertionException($"Job {id} finished without being {what}; last record: {last?.Status} {last?.Progress}.");
    }

    public static Task<JobRecord> ForStatusAsync(IJobMonitor monitor, JobId id, JobStatus status, CancellationToken cancellationToken)
        => ForAsync(monitor, id, r => r.Status == status, $"to be {status}", cancellationToken);
}
