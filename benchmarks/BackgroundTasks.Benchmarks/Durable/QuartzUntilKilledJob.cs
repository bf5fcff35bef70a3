using Quartz;

namespace BackgroundTasks.Benchmarks.Durable;

/// <summary>A Quartz job that runs until its process is killed.</summary>
public sealed class QuartzUntilKilledJob : IJob
{
    /// <inheritdoc/>
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
        => await DurableJobBodies.RunAsync(DurableJob.UntilKilled, cancellationToken);
}
