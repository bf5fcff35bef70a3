using Quartz;

namespace BackgroundTasks.Benchmarks.Peers;

/// <summary>A Quartz job that runs the no-op body.</summary>
public sealed class QuartzCountedJob : IJob
{
    /// <inheritdoc/>
    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        JobBodies.Counted();
        return ValueTask.CompletedTask;
    }
}
