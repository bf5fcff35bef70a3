namespace BackgroundTasks;

/// <summary>
/// What a job keeps from its options, resolved against its queue's defaults when it is enqueued. Jobs
/// enqueued without options share their queue's instance, so a job carries one reference instead of
/// seven fields. The store keeps the first five; timeout and back-off matter only to the engine.
/// </summary>
internal sealed class JobSettings(string queue, string? name, JobPriority priority, int maxAttempts, JobId? parentId, TimeSpan timeout, RetryBackoff backoff)
{
    public string Queue { get; } = queue;

    public string? Name { get; } = name;

    public JobPriority Priority { get; } = priority;

    public int MaxAttempts { get; } = maxAttempts;

    public JobId? ParentId { get; } = parentId;

    public TimeSpan Timeout { get; } = timeout;

    public RetryBackoff Backoff { get; } = backoff;

    /// <summary>Settings for a record that a user added to the store directly.</summary>
    public static JobSettings Of(JobRecord record)
        => new(record.Queue, record.Name, record.Priority, record.MaxAttempts, record.ParentId, System.Threading.Timeout.InfiniteTimeSpan, RetryBackoff.Default);
}
