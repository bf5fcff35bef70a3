namespace BackgroundTasks;

/// <summary>Thrown when a job is enqueued into a full queue whose <see cref="JobQueueOptions.FullMode"/> is <see cref="QueueFullMode.Reject"/>.</summary>
public sealed class JobQueueFullException : InvalidOperationException
{
    /// <summary>Initializes a new instance of the <see cref="JobQueueFullException"/> class.</summary>
    public JobQueueFullException()
        : this("The job queue is full.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="JobQueueFullException"/> class.</summary>
    /// <param name="message">The message.</param>
    public JobQueueFullException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="JobQueueFullException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public JobQueueFullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="JobQueueFullException"/> class.</summary>
    /// <param name="queue">The full queue's name.</param>
    /// <param name="capacity">The queue's capacity.</param>
    public JobQueueFullException(string queue, int capacity)
        : base($"Job queue '{queue}' is full: it holds at most {capacity} waiting jobs (JobQueueOptions.Capacity). Raise its capacity or workers, set its FullMode to Wait for back-pressure, or retry later.")
    {
        Queue = queue;
        Capacity = capacity;
    }

    /// <summary>Gets the name of the queue that was full.</summary>
    public string? Queue { get; }

    /// <summary>Gets the capacity of the queue that was full.</summary>
    public int Capacity { get; }
}
