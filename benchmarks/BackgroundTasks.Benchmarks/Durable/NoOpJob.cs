namespace BackgroundTasks.Benchmarks.Durable;

/// <summary>The typed job the BackgroundTasks contender enqueues: a no-op, a latency probe, or a job that runs until it is killed.</summary>
public sealed class NoOpJob : IJob<NoOpArgs>
{
    /// <inheritdoc/>
    public Task RunAsync(NoOpArgs args, JobContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        return DurableJobBodies.RunAsync(args.Body, context.CancellationToken);
    }
}
