namespace BackgroundTasks.Dashboard.Tests;

/// <summary>Bounded waits on a job's record, with a message that says what was awaited.</summary>
public static class Wait
{
    /// <summary>Reads the record until it matches, backing off from 5 ms to 100 ms, until the token fires.</summary>
    public static async Task<JobRecord> ForAsync(IJobMonitor monitor, JobId id, Func<JobRecord, bool> condition, string what, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(5);
        JobRecord? last = null;
        while (true)
        {
            last = await monitor.GetAsync(id, cancellationToken);
            if (last is not null && condition(last))
            {
                return last;
            }

            try
            {
                await Task.Delay(delay, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                throw new AssertionException($"Timed out waiting for job {id} {what}; last record: {last?.Status} {last?.Progress}.");
            }

            delay = TimeSpan.FromMilliseconds(Math.Min(100, delay.TotalMilliseconds * 2));
        }
    }

    public static Task<JobRecord> ForStatusAsync(IJobMonitor monitor, JobId id, JobStatus status, CancellationToken cancellationToken)
        => ForAsync(monitor, id, r => r.Status == status, $"to be {status}", cancellationToken);
}
