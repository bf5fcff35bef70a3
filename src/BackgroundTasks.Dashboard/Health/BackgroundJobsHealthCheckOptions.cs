namespace BackgroundTasks.Dashboard;

/// <summary>
/// Thresholds of the background jobs health check (<c>AddHealthChecks().AddBackgroundJobs(...)</c>). The check
/// reports <b>Unhealthy</b> when this host's worker pool does not run or the job store does not answer, and
/// <b>Degraded</b> when a queue stays full or too many jobs fail. The settings are checked when the check is added.
/// </summary>
public sealed class BackgroundJobsHealthCheckOptions
{
    /// <summary>
    /// Gets or sets how long a queue may stay full (no free place, so that enqueues wait or are refused) before the
    /// check reports Degraded. The check sees a queue full when it runs: a queue found full by every check for at
    /// least this long counts as staying full.
    /// </summary>
    /// <value>Defaults to 1 minute. Must not be negative; zero reports a full queue at once.</value>
    public TimeSpan FullQueueThreshold { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Gets or sets the share of failed jobs, among the jobs that succeeded or failed in this process during
    /// <see cref="FailureWindow"/>, from which the check reports Degraded. A job counts once, when it fails for good
    /// (timed-out jobs included); attempts that will be retried and cancelled jobs do not count.
    /// </summary>
    /// <value>Defaults to 0.5. Must be greater than 0 and at most 1.</value>
    public double FailureRateThreshold { get; set; } = 0.5;

    /// <summary>Gets or sets how far back failures are counted: the current minute and the whole minutes before it.</summary>
    /// <value>Defaults to 5 minutes. Must be whole minutes, from 1 to 60.</value>
    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets how many jobs must have succeeded or failed during <see cref="FailureWindow"/> before their failure rate counts, so that one failure among two jobs is not taken for a trend.</summary>
    /// <value>Defaults to 10. Must be at least 1.</value>
    public int FailureRateMinimumJobs { get; set; } = 10;

    /// <summary>Gets or sets how long the check waits for the job store to answer one read before it reports Unhealthy.</summary>
    /// <value>Defaults to 5 seconds. Must be positive.</value>
    public TimeSpan StoreTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Checks every setting, naming the one to change.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of its range.</exception>
    internal void Validate()
    {
        if (FullQueueThreshold < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(FullQueueThreshold), FullQueueThreshold, "BackgroundJobsHealthCheckOptions.FullQueueThreshold must not be negative (zero reports a full queue at once).");
        }

        if (!(FailureRateThreshold > 0 && FailureRateThreshold <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(FailureRateThreshold), FailureRateThreshold, "BackgroundJobsHealthCheckOptions.FailureRateThreshold must be greater than 0 and at most 1 (a share of the finished jobs, such as 0.5).");
        }

        if (FailureWindow < TimeSpan.FromMinutes(1) || FailureWindow > TimeSpan.FromMinutes(ThroughputRing.Minutes) || FailureWindow.Ticks % TimeSpan.TicksPerMinute != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(FailureWindow), FailureWindow, $"BackgroundJobsHealthCheckOptions.FailureWindow must be whole minutes, from 1 to {ThroughputRing.Minutes}.");
        }

        if (FailureRateMinimumJobs < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(FailureRateMinimumJobs), FailureRateMinimumJobs, "BackgroundJobsHealthCheckOptions.FailureRateMinimumJobs must be at least 1.");
        }

        if (StoreTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(StoreTimeout), StoreTimeout, "BackgroundJobsHealthCheckOptions.StoreTimeout must be positive.");
        }
    }
}
