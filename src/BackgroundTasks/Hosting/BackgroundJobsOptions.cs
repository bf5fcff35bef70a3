namespace BackgroundTasks;

/// <summary>Settings of the job queues and worker pool, configured through <c>AddBackgroundJobs</c>.</summary>
public sealed class BackgroundJobsOptions
{
    /// <summary>The name of the queue that exists unless configured otherwise.</summary>
    public const string DefaultQueueName = "default";

    /// <summary>Gets the named queues, by name (ordinal, case-sensitive).</summary>
    /// <value>Starts with one queue, <see cref="DefaultQueueName"/>, with default settings.</value>
    public IDictionary<string, JobQueueOptions> Queues { get; } = new Dictionary<string, JobQueueOptions>(StringComparer.Ordinal)
    {
        [DefaultQueueName] = new JobQueueOptions(),
    };

    /// <summary>Gets or sets the queue of jobs enqueued without <see cref="JobOptions.Queue"/>.</summary>
    /// <value>Defaults to <see cref="DefaultQueueName"/>. Must name a queue in <see cref="Queues"/>.</value>
    public string DefaultQueue { get; set; } = DefaultQueueName;

    /// <summary>Gets or sets what happens to queued jobs when the host stops.</summary>
    /// <value>Defaults to <see cref="ShutdownMode.Drain"/>.</value>
    public ShutdownMode ShutdownMode { get; set; } = ShutdownMode.Drain;

    /// <summary>
    /// Gets or sets how long, once the host stops, running jobs (and in <see cref="ShutdownMode.Drain"/> mode,
    /// queued ones) may go on before their cancellation tokens fire. Jobs still running when the host's own
    /// shutdown timeout (<c>HostOptions.ShutdownTimeout</c>) ends are recorded cancelled and left behind.
    /// </summary>
    /// <value>Defaults to 10 seconds (the host's own default shutdown timeout is 30 seconds). Must not be negative.</value>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets the shortest time between two store writes of one job's progress; reports in between are coalesced, the latest winning.</summary>
    /// <value>Defaults to 100 milliseconds. Must not be negative; zero writes every report.</value>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromMilliseconds(100);
}
