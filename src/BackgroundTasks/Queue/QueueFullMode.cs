namespace BackgroundTasks;

/// <summary>What enqueueing does when a bounded queue is full.</summary>
public enum QueueFullMode
{
    /// <summary>Wait for space (back-pressure), honouring the caller's cancellation token.</summary>
    Wait = 0,

    /// <summary>Throw <see cref="JobQueueFullException"/> at once.</summary>
    Reject = 1,
}
