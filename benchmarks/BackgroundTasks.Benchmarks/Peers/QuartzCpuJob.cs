using Quartz;

namespace BackgroundTasks.Benchmarks.Peers;

/// <summary>A Quartz job that runs the CPU body.</summary>
public sealed class QuartzCpuJob : IJob
{
    /// <inheritdoc/>
    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        JobBodies.Cpu();
        return ValueTask.CompletedTask;
    }
}
