namespace BackgroundTasks.Testing;

/// <summary>Tunes a <see cref="JobsTestHost"/>.</summary>
public sealed class JobsTestHostOptions
{
    /// <summary>Gets or sets the fake clock's time when the host starts.</summary>
    /// <value>Defaults to 2026-01-01 00:00 UTC. Not used when the services register a <c>FakeTimeProvider</c> of their own as the <see cref="TimeProvider"/>.</value>
    public DateTimeOffset StartTime { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Gets or sets how long, in real time, <see cref="JobsTestHost.RunUntilIdleAsync"/> and
    /// <see cref="JobsTestHost.AdvanceAsync"/> wait for the jobs to become idle before they throw a
    /// <see cref="TimeoutException"/> that lists the jobs still queued or running.
    /// </summary>
    /// <value>Defaults to 30 seconds. Must be positive, or <see cref="Timeout.InfiniteTimeSpan"/>.</value>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
