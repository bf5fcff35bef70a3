namespace BackgroundTasks;

/// <summary>What a store knows about one job at one moment: its metadata, state and progress. Never its delegate.</summary>
public sealed record JobRecord
{
    /// <summary>Gets the job's id.</summary>
    public required JobId Id { get; init; }

    /// <summary>Gets the job's name, if it was given one.</summary>
    public string? Name { get; init; }

    /// <summary>Gets the name of the job's queue.</summary>
    public required string Queue { get; init; }

    /// <summary>Gets the job's priority.</summary>
    public JobPriority Priority { get; init; }

    /// <summary>Gets the job's status.</summary>
    public JobStatus Status { get; init; }

    /// <summary>Gets the number of the latest attempt that started, counting from 1; 0 before the first.</summary>
    public int Attempt { get; init; }

    /// <summary>Gets how many attempts the job may have in all.</summary>
    public int MaxAttempts { get; init; } = 1;

    /// <summary>Gets when the job was accepted.</summary>
    public DateTimeOffset EnqueuedAt { get; init; }

    /// <summary>Gets when a scheduled or retrying job is due to be queued; otherwise <see langword="null"/>.</summary>
    public DateTimeOffset? ScheduledAt { get; init; }

    /// <summary>Gets when the latest attempt started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Gets when the job reached its terminal status.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Gets the latest progress the job reported.</summary>
    public JobProgress Progress { get; init; }

    /// <summary>Gets the error of the latest failed attempt, if any.</summary>
    public JobError? Error { get; init; }

    /// <summary>Gets the value a succeeded job returned, if it returns one.</summary>
    public object? Result { get; init; }

    /// <summary>Gets the id of the job that started this one, if any.</summary>
    public JobId? ParentId { get; init; }

    /// <summary>
    /// Gets the serialized (JSON) arguments of a typed job, or <see langword="null"/> for a lambda job. A job
    /// with arguments is a typed job, and its <see cref="Name"/> is the name it was registered under.
    /// </summary>
    public string? Arguments { get; init; }

    /// <summary>Gets why a cancelled job was cancelled; <see cref="JobCancelReason.None"/> for any other status.</summary>
    public JobCancelReason CancelReason { get; init; }

    /// <summary>
    /// Gets the W3C <c>traceparent</c> (<c>00-{trace id}-{span id}-{flags}</c>) of the activity that was current
    /// when the job was enqueued, or <see langword="null"/> when there was none. Each attempt's
    /// <c>backgroundtasks.job</c> activity continues this trace, as a child of that activity, on any host that
    /// runs the job. It never changes after the job is recorded.
    /// </summary>
    public string? TraceParent { get; init; }

    /// <summary>Gets the W3C <c>tracestate</c> that came with <see cref="TraceParent"/>, or <see langword="null"/> when it had none.</summary>
    public string? TraceState { get; init; }

    /// <summary>
    /// Gets the job's unique key (<see cref="JobOptions.UniqueKey"/>), or <see langword="null"/> for a job without one.
    /// While the job is not terminal no other job with the same key is recorded by <see cref="IJobStore.AddUniqueAsync"/>.
    /// It never changes after the job is recorded.
    /// </summary>
    public string? UniqueKey { get; init; }

    /// <summary>
    /// Gets the job this one continues (<see cref="JobOptions.ContinueAfter"/>), or <see langword="null"/> for a job that
    /// is not a continuation. A continuation is added <see cref="JobStatus.Scheduled"/> with a <see cref="ScheduledAt"/> of
    /// <see cref="DateTimeOffset.MaxValue"/> (no due time) and waits until that job ends. It never changes after the job
    /// is recorded.
    /// </summary>
    public JobId? ContinueAfter { get; init; }

    /// <summary>
    /// Gets which ends of <see cref="ContinueAfter"/> let this job run (<see cref="JobOptions.ContinueWhen"/>);
    /// <see cref="JobContinuation.Succeeded"/> for a job that is not a continuation. It never changes after the job is recorded.
    /// </summary>
    public JobContinuation ContinueWhen { get; init; }

    /// <summary>
    /// Gets how long one attempt may run (<see cref="JobOptions.Timeout"/> resolved against the queue's default when the
    /// job was enqueued), or <see langword="null"/> for the queue's <see cref="JobQueueOptions.Timeout"/> of the host that
    /// runs it. A durable store keeps it, so that the host that claims the job applies the timeout it was enqueued with.
    /// It never changes after the job is recorded.
    /// </summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>
    /// Gets the delay between attempts (<see cref="JobOptions.Backoff"/> resolved against the queue's default when the job
    /// was enqueued), or <see langword="null"/> for the queue's <see cref="JobQueueOptions.Backoff"/> of the host that runs
    /// it. A durable store keeps it like <see cref="Timeout"/>. It never changes after the job is recorded.
    /// </summary>
    public RetryBackoff? Backoff { get; init; }
}
