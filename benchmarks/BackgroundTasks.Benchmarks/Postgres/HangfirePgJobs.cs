namespace BackgroundTasks.Benchmarks.Postgres;

/// <summary>The methods Hangfire's PostgreSQL jobs call: Hangfire stores a call to a public method, not a delegate.</summary>
public static class HangfirePgJobs
{
    /// <summary>A no-op job.</summary>
    public static void NoOp() => PgJobBodies.Run(PgJob.NoOp, CancellationToken.None);

    /// <summary>
    /// The no-op job when <see cref="PgJobBodies.WorkMilliseconds"/> is set: a method that returns the body's
    /// <see cref="Task"/>, which Hangfire accepts as a job; its worker thread waits for that task to complete.
    /// </summary>
    public static Task Work() => PgJobBodies.RunAsync(PgJob.NoOp, CancellationToken.None);

    /// <summary>A latency probe.</summary>
    public static void Probe() => PgJobBodies.Run(PgJob.Probe, CancellationToken.None);

    /// <summary>A job that runs until its process is killed; Hangfire passes its shutdown token.</summary>
    public static void UntilKilled(CancellationToken cancellationToken) => PgJobBodies.Run(PgJob.UntilKilled, cancellationToken);
}
