using Quartz;

namespace BackgroundTasks.Benchmarks.Postgres;

/// <summary>A Quartz job that runs the latency probe.</summary>
public sealed class QuartzPgProbeJob : IJob
{
    /// <inheritdoc/>
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
        => await PgJobBodies.RunAsync(PgJob.Probe, cancellationToken);
}
