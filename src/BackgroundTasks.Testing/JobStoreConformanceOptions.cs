namespace BackgroundTasks.Testing;

/// <summary>Tunes <see cref="JobStoreConformance.VerifyAsync"/>.</summary>
public sealed class JobStoreConformanceOptions
{
    /// <summary>
    /// Gets the names of checks not to run, for clauses a store cannot support: for example
    /// <c>SucceededKeepsResult</c> for a store that keeps results as JSON and so returns a different type.
    /// Names come from <see cref="JobStoreConformance.CheckNames"/>.
    /// </summary>
    /// <value>Empty by default. A skipped check is never hidden: the report lists it as <see cref="JobStoreCheckOutcome.Skipped"/>.</value>
    public ISet<string> SkippedChecks { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Gets or sets how many jobs each concurrency check drives at once.</summary>
    /// <value>Defaults to 200. Must be from 10 to 10,000.</value>
    public int ConcurrentJobCount { get; set; } = 200;

    /// <summary>Gets or sets how long one check may take before it is reported as failed (a store call that never completes, or a deadlock).</summary>
    /// <value>Defaults to 30 seconds. Must be positive.</value>
    public TimeSpan CheckTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
