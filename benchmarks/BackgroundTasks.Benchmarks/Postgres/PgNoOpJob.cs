namespace BackgroundTasks.Benchmarks.Postgres;

/// <summary>The typed job the BackgroundTasks contender enqueues: a no-op, a latency probe, or a job that runs until it is killed.</summary>
public sealed class PgNoOpJob : IJob<PgNoOpArgs>
{
    /// <inheritdoc/>
    public Task RunAsync(PgNoOpArgs args, JobContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        return PgJobBodies.RunAsync(args.Body, context.CancellationToken);
    }
}
