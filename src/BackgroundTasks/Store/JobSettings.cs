namespace BackgroundTasks;

/// <summary>
/// What a job keeps from its options, resolved against its queue's defaults when it is enqueued. Jobs
/// enqueued without options (and without a trace context to carry) share their queue's instance, so a job
/// carries one reference instead of ten fields. The store keeps all of them, so that a host that claims
/// the job from a durable store runs it as it was enqueued.
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

    /// <summary>Gets the timeout to record: <see langword="null"/> when the record a user added had none (its runner's queue decides).</summary>
    public TimeSpan? RecordedTimeout { get; private init; } = timeout;

    /// <summary>Gets the back-off to record: <see langword="null"/> when the record a user added had none (its runner's queue decides).</summary>
    public RetryBackoff? RecordedBackoff { get; private init; } = backoff;

    /// <summary>Settings for a record that a user added to the store directly; it reads back as it was added.</summary>
    public static JobSettings Of(JobRecord record)
        => new(record.Queue, record.Name, record.Priority, record.MaxAttempts, record.ParentId, record.Timeout ?? System.Threading.Timeout.InfiniteTimeSpan, record.Backoff ?? RetryBackoff.Default, record.TraceParent, record.TraceState, record.UniqueKey, record.ContinueAfter, record.ContinueWhen)
        {
            RecordedTimeout = record.Timeout,
            RecordedBackoff = record.Backoff,
        };
}
