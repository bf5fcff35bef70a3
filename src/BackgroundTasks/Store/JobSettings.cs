namespace BackgroundTasks;

/// <summary>
/// What a job keeps from its options, resolved against its queue's defaults when it is enqueued. Jobs
/// enqueued without options (and without a trace context to carry) share their queue's instance, so a job
/// carries one reference instead of ten fields. The store keeps all but timeout and back-off, which
/// matter only to the engine.
/// </summary>
internal sealed class JobSettings(
    string queue,
    string? name,
    JobPriority priority,
    int maxAttempts,
    JobId? parentId,
    TimeSpan timeout,
    RetryBackoff backoff,
    string? traceParent = null,
    string? traceState = null,
    string? uniqueKey = null,
    JobId? continueAfter = null,
    JobContinuation continueWhen = JobContinuation.Succeeded)
{
    public string Queue { get; } = queue;

    public string? Name { get; } = name;

    public JobPriority Priority { get; } = priority;

    public int MaxAttempts { get; } = maxAttempts;

    public JobId? ParentId { get; } = parentId;

    public TimeSpan Timeout { get; } = timeout;

    public RetryBackoff Backoff { get; } = backoff;

    /// <summary>Gets the W3C <c>traceparent</c> of the code that enqueued the job (<see cref="JobRecord.TraceParent"/>).</summary>
    public string? TraceParent { get; } = traceParent;

    /// <summary>Gets the W3C <c>tracestate</c> that came with <see cref="TraceParent"/>.</summary>
    public string? TraceState { get; } = traceState;

    /// <summary>Gets the job's unique key (<see cref="JobRecord.UniqueKey"/>), if it has one.</summary>
    public string? UniqueKey { get; } = uniqueKey;

    /// <summary>Gets the job this one continues (<see cref="JobRecord.ContinueAfter"/>), if it is a continuation.</summary>
    public JobId? ContinueAfter { get; } = continueAfter;

    /// <summary>Gets which ends of <see cref="ContinueAfter"/> let the job run (<see cref="JobRecord.ContinueWhen"/>).</summary>
    public JobContinuation ContinueWhen { get; } = continueWhen;

    /// <summary>Settings for a record that a user added to the store directly.</summary>
    public static JobSettings Of(JobRecord record)
        => new(record.Queue, record.Name, record.Priority, record.MaxAttempts, record.ParentId, System.Threading.Timeout.InfiniteTimeSpan, RetryBackoff.Default, record.TraceParent, record.TraceState, record.UniqueKey, record.ContinueAfter, record.ContinueWhen);
}
