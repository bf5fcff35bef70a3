namespace BackgroundTasks.Benchmarks.Durable;

/// <summary>Creates the job-system contenders and names every row.</summary>
public static class DurableContenders
{
    /// <summary>Gets whether <paramref name="kind"/> is a job system (the ceilings are plain loops).</summary>
    public static bool IsJobSystem(DurableContender kind) => kind is DurableContender.Hangfire or DurableContender.Quartz or DurableContender.BackgroundTasks or DurableContender.BackgroundTasksBulk;

    /// <summary>Gets whether <paramref name="kind"/> is one of the peers that the ratios compare against.</summary>
    public static bool IsPeer(DurableContender kind) => kind is DurableContender.Hangfire or DurableContender.Quartz;

    /// <summary>Creates a job system, not started.</summary>
    /// <param name="kind">The job system.</param>
    /// <param name="workers">How many jobs it runs at once (Hangfire's workers, Quartz's threads, BackgroundTasks' workers).</param>
    /// <param name="host">What the kill measurement sets for BackgroundTasks (its host name and lease); the peers take none.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is a ceiling loop, not a job system.</exception>
    public static IDurableContender Create(DurableContender kind, int workers, DurableHostSettings? host = null) => kind switch
    {
        DurableContender.Hangfire => new HangfireSqliteContender(workers),
        DurableContender.Quartz => new QuartzSqliteContender(workers),
        DurableContender.BackgroundTasks or DurableContender.BackgroundTasksBulk => new BackgroundTasksSqliteContender(workers, host?.HostName, host?.LeaseDuration),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Only Hangfire, Quartz and BackgroundTasks are job systems; the ceilings are loops (CeilingLoop)."),
    };

    /// <summary>Gets the name of <paramref name="kind"/>'s rows.</summary>
    public static string Label(DurableContender kind) => kind switch
    {
        DurableContender.CeilingBatched => $"Ceiling: the store's writes in a plain loop, {CeilingLoop.Batch:N0} per transaction",
        DurableContender.CeilingClaimsOfABatch => $"Ceiling: the same, the {CeilingLoop.Batch:N0} claimed in one claim",
        DurableContender.CeilingPerWrite => "Ceiling: the store's writes in a plain loop, one transaction each",
        DurableContender.ReferenceBatched => $"Reference: a minimal table in a plain loop, {CeilingLoop.Batch:N0} writes per transaction",
        DurableContender.BackgroundTasks => BackgroundTasksSqliteContender.Label,
        DurableContender.BackgroundTasksBulk => $"{BackgroundTasksSqliteContender.Label}, EnqueueManyAsync of {CeilingLoop.Batch:N0}",
        _ => kind.ToString(),
    };

    /// <summary>Gets the settings of <paramref name="kind"/>, as the report lists them.</summary>
    public static string Settings(DurableContender kind, int workers) => kind switch
    {
        DurableContender.CeilingBatched or DurableContender.CeilingClaimsOfABatch or DurableContender.CeilingPerWrite => "Microsoft.Data.Sqlite, one thread, prepared statements, WAL, synchronous=NORMAL; BackgroundTasks.Sqlite's schema and statements: insert of a typed no-op job's row, claim (promote due jobs, then UPDATE … RETURNING the rows, read into records; one job per claim, or the 1,000 of a transaction in one claim), owner-checked completion and its look-up of waiting continuations",
        DurableContender.ReferenceBatched => "Microsoft.Data.Sqlite, one thread, prepared statements, WAL, synchronous=NORMAL; a 7-column table with one partial index of queued rows: insert, claim (one UPDATE … WHERE id = (oldest queued) RETURNING id), complete (checked on status)",
        DurableContender.Hangfire => HangfireSqliteContender.Settings(workers),
        DurableContender.Quartz => QuartzSqliteContender.Settings(workers),
        DurableContender.BackgroundTasksBulk => $"as BackgroundTasks; each producer enqueues its share in calls of IJobQueue.EnqueueManyAsync with {CeilingLoop.Batch:N0} jobs (one transaction each); latency and kills are the BackgroundTasks row's",
        _ => BackgroundTasksSqliteContender.Settings(workers),
    };
}
