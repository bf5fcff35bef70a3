namespace BackgroundTasks;

/// <summary>
/// A snapshot of what this host's engine is doing: whether its worker pool runs, and how full each queue is.
/// Health checks read it (<see cref="IJobMonitor.GetEngineStatus"/>); it says nothing about other hosts
/// sharing a durable store.
/// </summary>
public sealed class JobEngineStatus
{
    /// <summary>
    /// Gets a value indicating whether this host's worker pool runs: the hosted service has started, the host is
    /// not stopping, and its worker loops (and, on a durable store, its claim loops) have not ended. While it is
    /// <see langword="false"/>, jobs may still be accepted, but none runs here.
    /// </summary>
    public required bool IsRunning { get; init; }

    /// <summary>Gets every queue this host configures, in no particular order.</summary>
    public required IReadOnlyList<JobQueueStatus> Queues { get; init; }
}
