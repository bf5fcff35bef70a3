using Quartz;

namespace BackgroundTasks.Benchmarks.Peers;

/// <summary>A Quartz job that runs the latency probe.</summary>
public sealed class QuartzProbeJob : IJob
{
    /// <inheritdoc/>
    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        JobBodies.Probe();
        return ValueTask.CompletedTask;
    }
}
