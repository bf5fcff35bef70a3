namespace BackgroundTasks;

/// <summary>How long the <see cref="InMemoryJobStore"/> keeps finished jobs. Jobs that have not finished are always kept.</summary>
public sealed class InMemoryJobStoreOptions
{
    /// <summary>Gets or sets how long a job is kept after it reached its terminal status.</summary>
    /// <value>Defaults to 1 hour. Must not be negative; zero forgets finished jobs at once.</value>
    public TimeSpan RetentionPeriod { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets how many finished jobs are kept at most; the oldest finished go first.</summary>
    /// <value>Defaults to 10,000. Must not be negative.</value>
    public int MaxFinishedJobs { get; set; } = 10_000;
}
