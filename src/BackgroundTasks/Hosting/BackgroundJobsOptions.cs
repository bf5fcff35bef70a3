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

    /// <summary>
    /// Gets or sets this host's name on a durable store (<see cref="IDurableJobStore"/>): the jobs it claims are
    /// held by <c>"{HostName}/{instance}"</c>, and a host that starts again under the same name recovers its
    /// earlier instance's jobs at once instead of waiting for their leases to expire. Give each application
    /// that shares a store a name of its own (a web app and a worker service on one machine, for example).
    /// </summary>
    /// <value>Defaults to the machine name and the entry assembly's name, such as <c>web-01:Reports.Worker</c>.</value>
    public string HostName { get; set; } = $"{Environment.MachineName}:{System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name ?? "app"}";

    /// <summary>
    /// Gets or sets how often a host looks for due jobs in a durable store when nothing woke it (a job enqueued by another
    /// process, for example). While the store's notifications arrive (<see cref="IJobStoreNotifications.IsListening"/>),
    /// the look is a safety net only and backs off, doubling after each one that found nothing, up to 30 seconds.
    /// </summary>
    /// <value>Defaults to 1 second. Must be positive.</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
}
