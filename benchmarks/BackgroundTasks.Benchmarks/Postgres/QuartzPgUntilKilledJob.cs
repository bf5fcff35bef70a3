using Quartz;

namespace BackgroundTasks.Benchmarks.Postgres;

/// <summary>A Quartz job that runs until its process is killed.</summary>
public sealed class QuartzPgUntilKilledJob : IJob
{
    /// <inheritdoc/>
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
        => await PgJobBodies.RunAsync(PgJob.UntilKilled, cancellationToken);
}
