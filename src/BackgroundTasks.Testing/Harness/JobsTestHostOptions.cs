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

    /// <summary>
    /// Gets or sets a value indicating whether an enqueue made through the host's <see cref="IJobQueue"/> (by the test, or
    /// by the code under test) returns only once the jobs are idle, as after <see cref="JobsTestHost.RunUntilIdleAsync"/>:
    /// the job has run, with whatever it enqueued that is due now, so the test can assert right after calling the code.
    /// </summary>
    /// <value>Defaults to <see langword="false"/>: an enqueue returns once the job is accepted, and it runs on the workers meanwhile.</value>
    /// <remarks>
    /// The jobs still run on the engine's workers, in their own DI scopes. An enqueue made by a running job (or by code
    /// it calls) returns at once, so a job that enqueues another never waits for itself; the outer enqueue waits for both.
    /// Delayed jobs and retries still wait for <see cref="JobsTestHost.AdvanceAsync"/>. <c>TryEnqueue</c> never waits. An
    /// enqueue whose jobs are not idle within <see cref="IdleTimeout"/> throws <see cref="TimeoutException"/> (the job was accepted).
    /// </remarks>
    public bool RunInline { get; set; }
}
