namespace BackgroundTasks;

/// <summary>
/// A job's settings, resolved against its queue's defaults when it is enqueued. Jobs enqueued without
/// options share their queue's instance, so they carry one reference instead of six fields.
/// </summary>
internal sealed class JobSettings
{
    public JobSettings(JobOptions? options, NamedJobQueue queue)
    {
        Queue = queue;
        var defaults = queue.Options;
        Name = options?.Name;
        Priority = options?.Priority ?? JobPriority.Normal;
        Timeout = options?.Timeout ?? defaults.Timeout;
        MaxAttempts = options?.MaxAttempts ?? defaults.MaxAttempts;
        Backoff = options?.Backoff ?? defaults.Backoff;
        ParentId = options?.ParentId;
    }

    public NamedJobQueue Queue { get; }

    public string? Name { get; }

    public JobPriority Priority { get; }

    public TimeSpan Timeout { get; }

    public int MaxAttempts { get; }

    public RetryBackoff Backoff { get; }

    public JobId? ParentId { get; }
}
