namespace BackgroundTasks;

/// <summary>
/// How often attempts of a queue's jobs may start: at most <see cref="MaxStarts"/> in any span of
/// <see cref="Period"/>. Set it on <see cref="JobQueueOptions.RateLimit"/>. A worker waits for its turn before
/// it starts an attempt (retries count too); no job is dropped or failed for the limit.
/// </summary>
/// <remarks>
/// Each start holds one of <see cref="MaxStarts"/> places for one <see cref="Period"/>, timed by the engine's
/// <see cref="TimeProvider"/>: up to <see cref="MaxStarts"/> jobs start at once after a quiet spell, and no span
/// of one <see cref="Period"/> ever sees more. The limit holds for this host; hosts that share a store each
/// apply it to the jobs they run (plug a distributed limiter into <see cref="JobQueueOptions.RateLimiter"/> for
/// one limit over all hosts).
/// </remarks>
public sealed class JobRateLimit
{
    /// <summary>Gets or sets how many attempts may start within one <see cref="Period"/>.</summary>
    /// <value>Must be at least 1.</value>
    public int MaxStarts { get; set; }

    /// <summary>Gets or sets the span that <see cref="MaxStarts"/> counts over.</summary>
    /// <value>Defaults to 1 second. Must be positive.</value>
    public TimeSpan Period { get; set; } = TimeSpan.FromSeconds(1);
}
