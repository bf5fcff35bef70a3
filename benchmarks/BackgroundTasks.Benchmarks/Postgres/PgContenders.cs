namespace BackgroundTasks.Benchmarks.Postgres;

/// <summary>Creates the contenders and names and describes every row.</summary>
public static class PgContenders
{
    /// <summary>
    /// Gets whether this build has the BackgroundTasks contender: the benchmark project compiles it, and references
    /// <c>src/BackgroundTasks.PostgreSql</c>, only where that project exists in the checkout.
    /// </summary>
    public static bool HasBackgroundTasks =>
#if BACKGROUNDTASKS_POSTGRESQL
        true;
#else
        false;
#endif

    /// <summary>Gets the contenders this build can run, in table order.</summary>
    public static IReadOnlyList<PgContender> Available
        => [.. Enum.GetValues<PgContender>().Where(static k => k != PgContender.BackgroundTasks || HasBackgroundTasks)];

    /// <summary>Gets whether <paramref name="kind"/> is one of the peers that the ratios compare against.</summary>
    public static bool IsPeer(PgContender kind) => kind is PgContender.Hangfire or PgContender.Quartz;

    /// <summary>Creates a contender, not started.</summary>
    /// <param name="kind">The job system.</param>
    /// <param name="hostName">BackgroundTasks' host name, or null for its default; the peers name their hosts themselves.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not in this build (<see cref="Available"/>).</exception>
    public static IPgContender Create(PgContender kind, string? hostName = null) => kind switch
    {
        PgContender.Hangfire => new HangfirePgContender(),
        PgContender.Quartz => new QuartzPgContender(),
#if BACKGROUNDTASKS_POSTGRESQL
        PgContender.BackgroundTasks => new BackgroundTasksPgContender(hostName),
#endif
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, $"{kind} is not in this build: the BackgroundTasks row needs src/BackgroundTasks.PostgreSql in the checkout (host name {hostName ?? "default"})."),
    };

    /// <summary>Gets the settings of <paramref name="kind"/>, as the report lists them.</summary>
    public static string Settings(PgContender kind) => kind switch
    {
        PgContender.Hangfire => HangfirePgContender.Settings,
        PgContender.Quartz => QuartzPgContender.Settings,
#if BACKGROUNDTASKS_POSTGRESQL
        PgContender.BackgroundTasks => BackgroundTasksPgContender.Settings,
#endif
        _ => "not in this build",
    };

    /// <summary>Gets how <paramref name="kind"/>'s end-to-end jobs wait when <c>work-ms</c> is set, as the report lists it.</summary>
    public static string WorkWait(PgContender kind) => kind switch
    {
        PgContender.Hangfire => "a Task-returning job method (HangfirePgJobs.Work) that returns the Task.Delay; Hangfire's worker, a thread of its own, blocks until that task completes, so the slot is held without using CPU",
        PgContender.Quartz => "IJob.Execute (a ValueTask) awaits Task.Delay",
        _ => "IJob<TArgs>.RunAsync awaits Task.Delay",
    };

    /// <summary>Gets what decides <paramref name="kind"/>'s time from a kill to the job running on another host.</summary>
    public static string KillDecider(PgContender kind) => kind switch
    {
        PgContender.Hangfire => "InvisibilityTimeout (30 min by default): another server fetches a fetched job again only after it",
        PgContender.Quartz => "cluster check-in: another instance declares the killed one dead once its check-in is overdue (interval + threshold, 15 s by default), then re-fires its recoverable jobs",
        _ => "the killed host's lease expires; another host's heartbeat recovers the job and its claim runs it",
    };
}
