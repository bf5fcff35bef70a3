using Quartz;

namespace BackgroundTasks.Benchmarks.Postgres;

/// <summary>A Quartz job that runs the no-op body.</summary>
public sealed class QuartzPgNoOpJob : IJob
{
    /// <inheritdoc/>
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
        => await PgJobBodies.RunAsync(PgJob.NoOp, cancellationToken);
}
