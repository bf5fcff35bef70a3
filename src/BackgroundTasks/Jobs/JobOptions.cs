namespace BackgroundTasks;

/// <summary>
/// How one job runs. Every property is optional: what is left <see langword="null"/> comes from the
/// options of the job's queue (see <see cref="JobQueueOptions"/>).
/// </summary>
public sealed class JobOptions
{
    /// <summary>Gets or sets a name for the job, shown in the store and in logs (for example "send-invoice").</summary>
    public string? Name { get; set; }

    /// <summary>Gets or sets the queue the job goes to.</summary>
    /// <value>Defaults to <see cref="BackgroundJobsOptions.DefaultQueue"/>. An unknown queue fails at enqueue.</value>
    public string? Queue { get; set; }

    /// <summary>Gets or sets the job's priority within its queue.</summary>
    /// <value>Defaults to <see cref="JobPriority.Normal"/>.</value>
    public JobPriority Priority { get; set; } = JobPriority.Normal;

    /// <summary>Gets or sets how long one attempt may run before its cancellation token fires and it is recorded as timed out.</summary>
    /// <value>Defaults to the queue's <see cref="JobQueueOptions.Timeout"/>. Must be positive or <see cref="System.Threading.Timeout.InfiniteTimeSpan"/>.</value>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Gets or sets how many times the job may run in all, the first attempt included.</summary>
    /// <value>Defaults to the queue's <see cref="JobQueueOptions.MaxAttempts"/>. Must be at least 1.</value>
    public int? MaxAttempts { get; set; }

    /// <summary>Gets or sets the delay between attempts.</summary>
    /// <value>Defaults to the queue's <see cref="JobQueueOptions.Backoff"/>.</value>
    public RetryBackoff? Backoff { get; set; }

    /// <summary>Gets or sets how long to wait before the job is queued. Not to be combined with <see cref="RunAt"/>.</summary>
    /// <value>Defaults to no delay. Must not be negative.</value>
    public TimeSpan? Delay { get; set; }

    /// <summary>Gets or sets when the job should be queued. A time in the past queues it at once. Not to be combined with <see cref="Delay"/>.</summary>
    public DateTimeOffset? RunAt { get; set; }

    /// <summary>Gets or sets the job that started this one, if any; the store keeps it so that children can be found.</summary>
    public JobId? ParentId { get; set; }

    /// <summary>
    /// Gets or sets the job's unique key (for example <c>"invoice:42"</c>): while a job with the same key is Scheduled,
    /// Queued, Running or Retrying (or finished within <see cref="UniqueFor"/>), enqueueing another one records nothing
    /// and returns that job's id. <see cref="IJobQueue.EnqueueUniqueAsync(Func{JobContext, Task}, JobOptions, CancellationToken)"/>
    /// also says whether the job was a duplicate.
    /// </summary>
    /// <value>Defaults to <see langword="null"/>: no key, every enqueue adds a job. Must not be empty or white space.</value>
    public string? UniqueKey { get; set; }

    /// <summary>Gets or sets how long after a job with the <see cref="UniqueKey"/> finished (in any terminal status) the key stays held.</summary>
    /// <value>Defaults to <see cref="TimeSpan.Zero"/>: the key is free once its job finished. Must not be negative; needs a <see cref="UniqueKey"/>.</value>
    public TimeSpan UniqueFor { get; set; }

    /// <summary>
    /// Gets or sets the job this one continues: it waits as <see cref="JobStatus.Scheduled"/> (with no due time,
    /// <see cref="JobRecord.ScheduledAt"/> being <see cref="DateTimeOffset.MaxValue"/>) until that job ends, then is
    /// queued or cancelled as <see cref="ContinueWhen"/> says. A job that has ended already decides at once.
    /// </summary>
    /// <value>
    /// Defaults to none. Must name a job this host runs or the store holds finished, or, on a durable store
    /// (<see cref="IDurableJobStore"/>), any job the store holds: there the store keeps the link and settles the
    /// continuation when that job ends on any host, so a typed continuation is run by any host and survives restarts (a
    /// lambda continuation stays with the host that enqueued it, as lambdas do). Not to be combined with
    /// <see cref="Delay"/>, <see cref="RunAt"/> or <see cref="UniqueKey"/>.
    /// </value>
    public JobId? ContinueAfter { get; set; }

    /// <summary>Gets or sets which ends of <see cref="ContinueAfter"/> let this job run.</summary>
    /// <value>Defaults to <see cref="JobContinuation.Succeeded"/>: a failed or cancelled job cancels its continuations.</value>
    public JobContinuation ContinueWhen { get; set; } = JobContinuation.Succeeded;
}
