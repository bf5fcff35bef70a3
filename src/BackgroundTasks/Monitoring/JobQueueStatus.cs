namespace BackgroundTasks;

/// <summary>A snapshot of one queue of this host (part of <see cref="JobEngineStatus"/>).</summary>
public sealed class JobQueueStatus
{
    /// <summary>Gets the queue's name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets how many jobs of this queue run at once on this host (<see cref="JobQueueOptions.Workers"/>).</summary>
    public int Workers { get; init; }

    /// <summary>Gets how many jobs may wait in the queue (<see cref="JobQueueOptions.Capacity"/>); on a durable store jobs wait in the store, which has no capacity.</summary>
    public int Capacity { get; init; }

    /// <summary>Gets how many jobs wait in this host's queue for a worker now (the <c>backgroundtasks.queue.length</c> gauge).</summary>
    public int Length { get; init; }

    /// <summary>
    /// Gets a value indicating whether the queue has no free place now, so that an enqueue waits
    /// (<see cref="QueueFullMode.Wait"/>) or is refused (<see cref="QueueFullMode.Reject"/>). Always
    /// <see langword="false"/> on a durable store.
    /// </summary>
    public bool IsFull { get; init; }
}
