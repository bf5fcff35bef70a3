namespace BackgroundTasks.Benchmarks.Postgres;

/// <summary>The methods Hangfire's PostgreSQL jobs call: Hangfire stores a call to a public method, not a delegate.</summary>
public static class HangfirePgJobs
{
    /// <summary>A no-op job.</summary>
    public static void NoOp() => PgJobBodies.Run(PgJob.NoOp, CancellationToken.None);

    /// <summary>A latency probe.</summary>
    public static void Probe() => PgJobBodies.Run(PgJob.Probe, CancellationToken.None);

    /// <summary>A job that runs until its process is killed; Hangfire passes its shutdown token.</summary>
    public static void UntilKilled(CancellationToken cancellationToken) => PgJobBodies.Run(PgJob.UntilKilled, cancellationToken);
}
