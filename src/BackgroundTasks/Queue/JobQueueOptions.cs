using System.Threading.RateLimiting;

namespace BackgroundTasks;

/// <summary>The settings of one named queue, and the defaults of the jobs in it.</summary>
public sealed class JobQueueOptions
{
    /// <summary>Gets or sets how many jobs of this queue run at once.</summary>
    /// <value>Defaults to the number of processors. Must be at least 1.</value>
    public int Workers { get; set; } = Environment.ProcessorCount;

    /// <summary>Gets or sets how many jobs may wait in this queue for a worker. Delayed jobs and retries do not count, also once they are due.</summary>
    /// <value>Defaults to 1000. Must be at least 1.</value>
    public int Capacity { get; set; } = 1000;

    /// <summary>Gets or sets what enqueueing does when the queue is full.</summary>
    /// <value>Defaults to <see cref="QueueFullMode.Wait"/>.</value>
    public QueueFullMode FullMode { get; set; } = QueueFullMode.Wait;

    /// <summary>Gets or sets how long one attempt of a job may run, unless the job says otherwise.</summary>
    /// <value>Defaults to <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> (no timeout). Must be positive or infinite.</value>
    public TimeSpan Timeout { get; set; } = System.Threading.Timeout.InfiniteTimeSpan;

    /// <summary>Gets or sets how many attempts a job has in all, unless the job says otherwise.</summary>
    /// <value>Defaults to 1 (no retries). Must be at least 1.</value>
    public int MaxAttempts { get; set; } = 1;

    /// <summary>Gets or sets the delay between attempts, unless the job says otherwise.</summary>
    /// <value>Defaults to <see cref="RetryBackoff.Default"/>.</value>
    public RetryBackoff Backoff { get; set; } = RetryBackoff.Default;

    /// <summary>Gets or sets how often attempts of this queue's jobs may start; <see langword="null"/> for no limit.</summary>
    /// <value>Defaults to <see langword="null"/>: workers start jobs as soon as they take them.</value>
    /// <example><c>q.RateLimit = new JobRateLimit { MaxStarts = 10, Period = TimeSpan.FromSeconds(1) };</c></example>
    public JobRateLimit? RateLimit { get; set; }

    /// <summary>
    /// Gets or sets a <see cref="System.Threading.RateLimiting.RateLimiter"/> that every attempt of this queue's jobs
    /// passes before it starts; <see langword="null"/> for none. Use it instead of <see cref="RateLimit"/> for any other
    /// limit: a <see cref="ConcurrencyLimiter"/>, a token bucket, or a distributed limiter that all hosts share.
    /// </summary>
    /// <value>Defaults to <see langword="null"/>. Cannot be set together with <see cref="RateLimit"/>.</value>
    /// <remarks>
    /// A worker takes its job from the queue, then acquires one permit and holds the lease until the attempt ends
    /// (retries acquire again), so a <see cref="ConcurrencyLimiter"/> limits the attempts running at once. A refused
    /// lease is asked for again after its <see cref="MetadataName.RetryAfter"/>, or after one second on the engine's
    /// <see cref="TimeProvider"/>; no job is dropped. Give the limiter a <c>QueueLimit</c> of at least
    /// <see cref="Workers"/> so waiting workers queue in it. The limiter belongs to the application, which disposes it.
    /// </remarks>
    /// <example><c>q.RateLimiter = new ConcurrencyLimiter(new() { PermitLimit = 2, QueueLimit = 100 });</c></example>
    public RateLimiter? RateLimiter { get; set; }
}
