namespace BackgroundTasks;

/// <summary>
/// One job's state in the <see cref="InMemoryJobStore"/>: what a <see cref="JobRecord"/> says, kept in
/// mutable fields and turned into a record only when somebody reads it. The library's live job
/// (<see cref="JobWorkItem"/>) is itself an entry, so a tracked job costs one object, not two; records
/// added through <see cref="IJobStore.AddAsync"/> by anyone else become a <see cref="RecordEntry"/>.
/// </summary>
/// <remarks>
/// Fields change under the entry's gate (<see cref="Guard"/>); the live job's own state machine uses the
/// same gate, so one lock covers both. The gate is a spin lock held for a few field writes at most: code
/// under it never calls out (no callbacks, no user code, no waiting). Timestamps are UTC ticks, 0 for none.
/// </remarks>
internal abstract class JobEntry
{
    private int _gate;
    private int _status;
    private long _enqueuedAt;
    private long _startedAt;
    private long _finishedAt;
    private EntryDetails? _details; // most jobs never need these: 8 bytes instead of ~100

    protected JobEntry(JobId id) => Id = id;

    public JobId Id { get; }

    /// <summary>The next entry in the same bucket of the store's table (guarded by the table).</summary>
    internal JobEntry? NextInBucket;

    /// <summary>The next entry in the store's queue of finished jobs (guarded by the store).</summary>
    internal JobEntry? NextFinished;

    /// <summary>Gets or sets when the store started keeping the finished job, in UTC ticks of the store's clock.</summary>
    internal long RetainedSince { get; set; }

    public abstract string? Name { get; }

    public abstract string QueueName { get; }

    public abstract JobPriority Priority { get; }

    public abstract int MaxAttempts { get; }

    public abstract JobId? ParentId { get; }

    /// <summary>Gets or sets the attempt that runs or ran last, counting from 1.</summary>
    public int Attempt { get; set; }

    /// <summary>Gets when the job was enqueued, in UTC ticks.</summary>
    internal long EnqueuedTicks => _enqueuedAt;

    /// <summary>Gets the recorded status. Read it under the entry's gate when it must agree with other fields.</summary>
    public JobStatus Status => (JobStatus)Volatile.Read(ref _status);

    /// <summary>Enters the entry's gate; dispose the result to leave it. Not re-entrant.</summary>
    internal GateScope Guard()
    {
        if (Interlocked.CompareExchange(ref _gate, 1, 0) != 0)
        {
            EnterContended();
        }

        return new GateScope(this);
    }

    private void EnterContended()
    {
        var spinner = default(SpinWait);
        do
        {
            spinner.SpinOnce();
        }
        while (Volatile.Read(ref _gate) != 0 || Interlocked.CompareExchange(ref _gate, 1, 0) != 0);
    }

    /// <summary>Holds an entry's gate until disposed.</summary>
    internal readonly ref struct GateScope(JobEntry entry)
    {
        public void Dispose() => Volatile.Write(ref entry._gate, 0);
    }

    /// <summary>Sets the fields of a newly added job. Called before the entry is visible to anyone else.</summary>
    protected internal void InitializeRecorded(JobStatus status, long enqueuedAt, long scheduledAt)
    {
        _status = (int)status;
        _enqueuedAt = enqueuedAt;
        if (scheduledAt != 0)
        {
            Details.ScheduledAt = scheduledAt;
        }
    }

    /// <summary>Sets the fields a record carries that a new job does not have (records added by others).</summary>
    protected void InitializeFrom(JobRecord added)
    {
        InitializeRecorded(added.Status, Ticks(added.EnqueuedAt), Ticks(added.ScheduledAt));
        Attempt = added.Attempt;
        _startedAt = Ticks(added.StartedAt);
        _finishedAt = Ticks(added.FinishedAt);
        if (added.Progress != default || added.Error is not null || added.Result is not null)
        {
            var details = Details;
            details.Progress = added.Progress;
            details.Error = added.Error;
            details.Result = added.Result;
        }
    }

    /// <summary>Gets the side object of the fields few jobs use, creating it on first use.</summary>
    private protected EntryDetails Details => Volatile.Read(ref _details) ?? Interlocked.CompareExchange(ref _details, new EntryDetails(), null) ?? _details!;

    /// <summary>Gets a value indicating whether the entry uses any of the rare fields (delayed, retried, waited for, watched, read...).</summary>
    internal bool HasDetails => Volatile.Read(ref _details) is not null;

    /// <summary>Gets the side object if some field of it was used.</summary>
    private protected EntryDetails? DetailsOrNull => Volatile.Read(ref _details);

    /// <summary>Applies a transition if it moves the job forward. The caller holds the entry's gate.</summary>
    public bool TryApplyLocked(in JobTransition change)
    {
        if (!JobTransition.IsAllowed((JobStatus)_status, change.Status)
            || (change.Status == JobStatus.Running && change.Attempt <= Attempt))
        {
            return false;
        }

        ApplyLocked(change.Status, change.Attempt, change.Timestamp.UtcTicks, Ticks(change.ScheduledAt), change.Error, change.Result);
        return true;
    }

    /// <summary>Applies a transition the caller already knows to be allowed. The caller holds the entry's gate.</summary>
    public void ApplyLocked(JobStatus status, int attempt, long timestamp, long scheduledAt = 0, JobError? error = null, object? result = null)
    {
        Volatile.Write(ref _status, (int)status);
        if (_details is { } details)
        {
            details.Snapshot = null;
            details.ScheduledAt = 0;
        }

        switch (status)
        {
            case JobStatus.Running:
                Attempt = attempt;
                _startedAt = timestamp;
                break;
            case JobStatus.Retrying:
                Details.ScheduledAt = scheduledAt;
                Details.Error = error;
                break;
            case JobStatus.Succeeded:
                _finishedAt = timestamp;
                if (result is not null)
                {
                    Details.Result = result;
                }

                break;
            case JobStatus.Failed or JobStatus.Cancelled:
                _finishedAt = timestamp;
                if (error is not null)
                {
                    Details.Error = error;
                }

                break;
            case JobStatus.Scheduled when scheduledAt != 0:
                Details.ScheduledAt = scheduledAt;
                break;
        }
    }

    /// <summary>Records progress unless the job is terminal.</summary>
    public bool TrySetProgress(JobProgress progress)
    {
        using (Guard())
        {
            if (((JobStatus)_status).IsTerminal())
            {
                return false;
            }

            var details = Details;
            details.Progress = progress;
            details.Snapshot = null;
            return true;
        }
    }

    public bool Matches(JobQuery query)
    {
        if ((query.Queue is not null && !string.Equals(QueueName, query.Queue, StringComparison.Ordinal))
            || (query.Name is not null && !string.Equals(Name, query.Name, StringComparison.Ordinal))
            || (query.ParentId is { } parent && ParentId != parent))
        {
            return false;
        }

        return query.Status is not { } status || Status == status;
    }

    /// <summary>Gets a snapshot of the entry; the same instance until the entry changes.</summary>
    public JobRecord ToRecord()
    {
        using (Guard())
        {
            if (_details?.Snapshot is { } cached)
            {
                return cached;
            }

            var details = _details;
            var record = new JobRecord
            {
                Id = Id,
                Name = Name,
                Queue = QueueName,
                Priority = Priority,
                MaxAttempts = MaxAttempts,
                EnqueuedAt = Time(_enqueuedAt) ?? default,
                ParentId = ParentId,
                Status = (JobStatus)_status,
                Attempt = Attempt,
                ScheduledAt = Time(details?.ScheduledAt ?? 0),
                StartedAt = Time(_startedAt),
                FinishedAt = Time(_finishedAt),
                Progress = details?.Progress ?? default,
                Error = details?.Error,
                Result = details?.Result,
            };

            // Cache it for readers that poll; jobs that nobody reads never pay for the cache.
            Details.Snapshot = record;
            return record;
        }
    }

    private static long Ticks(DateTimeOffset? time) => time?.UtcTicks ?? 0;

    private static DateTimeOffset? Time(long ticks) => ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);

}

/// <summary>The fields few jobs use: recorded ones (for the store) and live ones (for the work item).</summary>
internal sealed class EntryDetails
{
    public long ScheduledAt;
    public JobProgress Progress;
    public JobError? Error;
    public object? Result;
    public JobRecord? Snapshot;

    /// <summary>The timer of a delayed or retrying job.</summary>
    public ITimer? Timer;

    /// <summary>What <see cref="JobWorkItem.WhenFinished"/> hands out.</summary>
    public TaskCompletionSource? Finished;

    /// <summary>What <see cref="JobWorkItem.Watch"/> registered.</summary>
    public List<Action>? Watchers;
}

/// <summary>An entry for a record that somebody other than the library added to the store.</summary>
internal sealed class RecordEntry : JobEntry
{
    private readonly string? _name;
    private readonly string _queue;
    private readonly JobPriority _priority;
    private readonly int _maxAttempts;
    private readonly JobId? _parentId;

    public RecordEntry(JobRecord added)
        : base(added.Id)
    {
        _name = added.Name;
        _queue = added.Queue;
        _priority = added.Priority;
        _maxAttempts = added.MaxAttempts;
        _parentId = added.ParentId;
        InitializeFrom(added);
    }

    public override string? Name => _name;

    public override string QueueName => _queue;

    public override JobPriority Priority => _priority;

    public override int MaxAttempts => _maxAttempts;

    public override JobId? ParentId => _parentId;
}
