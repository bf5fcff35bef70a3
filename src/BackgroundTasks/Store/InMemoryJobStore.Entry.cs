using System.Runtime.CompilerServices;

namespace BackgroundTasks;

/// <summary>One job's mutable state in the <see cref="InMemoryJobStore"/>.</summary>
public sealed partial class InMemoryJobStore
{
    private sealed class Entry
    {
                private readonly JobId _id;
        private readonly string? _name;
        private readonly string _queue;
        private readonly JobPriority _priority;
        private readonly int _maxAttempts;
        private readonly DateTimeOffset _enqueuedAt;
        private readonly JobId? _parentId;
        private JobStatus _status;
        private int _attempt;
        private DateTimeOffset? _scheduledAt;
        private DateTimeOffset? _startedAt;
        private DateTimeOffset? _finishedAt;
        private StrongBox<JobProgress>? _progress; // most jobs never report: 8 bytes instead of 48
        private JobError? _error;
        private object? _result;
        private JobRecord? _snapshot;
        private object? _liveTag;

        public Entry(JobRecord added)
            : this(added.Id, added.Name, added.Queue, added.Priority, added.Status, added.MaxAttempts, added.EnqueuedAt, added.ScheduledAt, added.ParentId)
        {
            _attempt = added.Attempt;
            _startedAt = added.StartedAt;
            _finishedAt = added.FinishedAt;
            _progress = added.Progress == default ? null : new StrongBox<JobProgress>(added.Progress);
            _error = added.Error;
            _result = added.Result;
            _snapshot = added;
        }

        public Entry(JobId id, string? name, string queue, JobPriority priority, JobStatus status, int maxAttempts, DateTimeOffset enqueuedAt, DateTimeOffset? scheduledAt, JobId? parentId)
        {
            _id = id;
            _name = name;
            _queue = queue;
            _priority = priority;
            _status = status;
            _maxAttempts = maxAttempts;
            _enqueuedAt = enqueuedAt;
            _scheduledAt = scheduledAt;
            _parentId = parentId;
        }

        public JobId Id => _id;

        /// <summary>Gets or sets what the library attached while the job is alive; the store never reads it.</summary>
        public object? LiveTag
        {
            get => Volatile.Read(ref _liveTag);
            set => Volatile.Write(ref _liveTag, value);
        }

        public JobRecord ToRecord()
        {
            lock (this)
            {
                return _snapshot ??= new JobRecord
                {
                    Id = _id,
                    Name = _name,
                    Queue = _queue,
                    Priority = _priority,
                    MaxAttempts = _maxAttempts,
                    EnqueuedAt = _enqueuedAt,
                    ParentId = _parentId,
                    Status = _status,
                    Attempt = _attempt,
                    ScheduledAt = _scheduledAt,
                    StartedAt = _startedAt,
                    FinishedAt = _finishedAt,
                    Progress = _progress?.Value ?? default,
                    Error = _error,
                    Result = _result,
                };
            }
        }

        public bool Matches(JobQuery query)
        {
            if ((query.Queue is not null && !string.Equals(_queue, query.Queue, StringComparison.Ordinal))
                || (query.Name is not null && !string.Equals(_name, query.Name, StringComparison.Ordinal))
                || (query.ParentId is { } parent && _parentId != parent))
            {
                return false;
            }

            if (query.Status is not { } status)
            {
                return true;
            }

            lock (this)
            {
                return _status == status;
            }
        }

        public bool TryApply(JobTransition change)
        {
            lock (this)
            {
                if (!JobTransition.IsAllowed(_status, change.Status)
                    || (change.Status == JobStatus.Running && change.Attempt <= _attempt))
                {
                    return false;
                }

                _status = change.Status;
                _snapshot = null;
                switch (change.Status)
                {
                    case JobStatus.Running:
                        _attempt = change.Attempt;
                        _startedAt = change.Timestamp;
                        _scheduledAt = null;
                        break;
                    case JobStatus.Retrying:
                        _scheduledAt = change.ScheduledAt;
                        _error = change.Error;
                        break;
                    case JobStatus.Succeeded:
                        _finishedAt = change.Timestamp;
                        _result = change.Result;
                        _scheduledAt = null;
                        break;
                    case JobStatus.Failed or JobStatus.Cancelled:
                        _finishedAt = change.Timestamp;
                        _error = change.Error ?? _error;
                        _scheduledAt = null;
                        break;
                    default:
                        _scheduledAt = change.Status == JobStatus.Scheduled ? change.ScheduledAt : null;
                        break;
                }

                return true;
            }
        }

        public bool TrySetProgress(JobProgress progress)
        {
            lock (this)
            {
                if (_status.IsTerminal())
                {
                    return false;
                }

                if (_progress is null)
                {
                    _progress = new StrongBox<JobProgress>(progress);
                }
                else
                {
                    _progress.Value = progress;
                }
                _snapshot = null;
                return true;
            }
        }
    }
}
