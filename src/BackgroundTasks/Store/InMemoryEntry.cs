namespace BackgroundTasks;

/// <summary>
/// The in-memory store's mutable form of one job's record: the record is built only when someone reads
/// it. Fields that most jobs never set (progress, error, result, due time) live in one
/// <see cref="Details"/> object made on first use. Every field is guarded by the entry itself.
/// </summary>
internal sealed class InMemoryEntry(JobId id, JobSettings settings, string? arguments, JobStatus status, long enqueuedAt, long scheduledAt)
{
    // Status and cancel reason in a byte each, so that an entry stays within 88 bytes.
    private byte _status = (byte)status;
    private byte _cancelReason;
    private int _attempt;
    private long _startedAt;
    private long _finishedAt;
    private Details? _details = scheduledAt == 0 && arguments is null ? null : new Details { ScheduledAt = scheduledAt, Arguments = arguments };

    public JobId Id { get; } = id;

    public JobSettings Settings { get; } = settings;

    private object? _live;

    /// <summary>
    /// Gets what the engine that runs the job keeps here while the job is alive (its live job), so that it needs
    /// no table of its own. The store never looks at it.
    /// </summary>
    public object? Live => Volatile.Read(ref _live);

    /// <summary>Sets <see cref="Live"/> if it is empty.</summary>
    public bool TrySetLive(object live) => Interlocked.CompareExchange(ref _live, live, null) is null;

    /// <summary>Clears <see cref="Live"/> if it still holds <paramref name="live"/>.</summary>
    public bool TryClearLive(object live) => ReferenceEquals(Interlocked.CompareExchange(ref _live, null, live), live);

    /// <summary>Applies a transition if <see cref="JobTransition.IsAllowed"/> lets it move the job forward.</summary>
    public bool TryApply(in JobTransition change)
    {
        lock (this)
        {
            if (!JobTransition.IsAllowed((JobStatus)_status, change.Status) || (change.Status == JobStatus.Running && change.Attempt <= _attempt))
            {
                return false;
            }

            var ticks = change.Timestamp.UtcTicks;
            _status = (byte)change.Status;
            switch (change.Status)
            {
                case JobStatus.Running:
                    _attempt = change.Attempt;
                    _startedAt = ticks;
                    break;
                case JobStatus.Retrying:
                    DetailsLocked().Error = change.Error;
                    break;
                case JobStatus.Succeeded:
                    _finishedAt = ticks;
                    if (change.Result is not null)
                    {
                        DetailsLocked().Result = change.Result;
                    }

                    break;
                case JobStatus.Failed or JobStatus.Cancelled:
                    _finishedAt = ticks;
                    _cancelReason = (byte)(change.Status == JobStatus.Cancelled ? change.CancelReason : JobCancelReason.None);
                    if (change.Error is not null)
                    {
                        DetailsLocked().Error = change.Error;
                    }

                    break;
            }

            if (_details is { } details)
            {
                details.ScheduledAt = change.Status == JobStatus.Retrying ? change.ScheduledAt?.UtcTicks ?? 0 : 0;
            }

            return true;
        }
    }

    /// <summary>Keeps a progress report, unless the job is terminal.</summary>
    public bool TrySetProgress(JobProgress progress)
    {
        lock (this)
        {
            if (((JobStatus)_status).IsTerminal())
            {
                return false;
            }

            DetailsLocked().Progress = progress;
            return true;
        }
    }

    /// <summary>Tells whether the job holds its unique key: it is not terminal, or it finished at or after <paramref name="finishedSince"/> (UTC ticks; 0 for never).</summary>
    public bool HoldsKey(long finishedSince)
    {
        lock (this)
        {
            return !((JobStatus)_status).IsTerminal() || (finishedSince > 0 && _finishedAt >= finishedSince);
        }
    }

    public bool Matches(JobQuery query)
    {
        if (query.Queue is not null && !string.Equals(query.Queue, Settings.Queue, StringComparison.Ordinal))
        {
            return false;
        }

        if (query.Name is not null && !string.Equals(query.Name, Settings.Name, StringComparison.Ordinal))
        {
            return false;
        }

        if (query.ParentId is { } parent && Settings.ParentId != parent)
        {
            return false;
        }

        if (query.Status is { } status)
        {
            lock (this)
            {
                return (JobStatus)_status == status;
            }
        }

        return true;
    }

    public JobRecord ToRecord()
    {
        lock (this)
        {
            var details = _details;
            return new JobRecord
            {
                Id = Id,
                Name = Settings.Name,
                Queue = Settings.Queue,
                Priority = Settings.Priority,
                MaxAttempts = Settings.MaxAttempts,
                ParentId = Settings.ParentId,
                Arguments = details?.Arguments,
                EnqueuedAt = new DateTimeOffset(enqueuedAt, TimeSpan.Zero),
                Status = (JobStatus)_status,
                Attempt = _attempt,
                StartedAt = At(_startedAt),
                FinishedAt = At(_finishedAt),
                ScheduledAt = At(details?.ScheduledAt ?? 0),
                Progress = details?.Progress ?? default,
                Error = details?.Error,
                Result = details?.Result,
                CancelReason = (JobCancelReason)_cancelReason,
                TraceParent = Settings.TraceParent,
                TraceState = Settings.TraceState,
                UniqueKey = Settings.UniqueKey,
                ContinueAfter = Settings.ContinueAfter,
                ContinueWhen = Settings.ContinueWhen,
                Timeout = Settings.RecordedTimeout,
                Backoff = Settings.RecordedBackoff,
            };
        }
    }

    private static DateTimeOffset? At(long ticks) => ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);

    private Details DetailsLocked() => _details ??= new Details();

    private sealed class Details
    {
        public string? Arguments;
        public long ScheduledAt;
        public JobProgress Progress;
        public JobError? Error;
        public object? Result;
    }
}
