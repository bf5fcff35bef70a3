namespace BackgroundTasks;

/// <summary>One job's mutable state in the <see cref="InMemoryJobStore"/>.</summary>
public sealed partial class InMemoryJobStore
{
    private sealed class Entry
    {
        private readonly Lock _gate = new();
        private readonly JobRecord _added;
        private JobStatus _status;
        private int _attempt;
        private DateTimeOffset? _scheduledAt;
        private DateTimeOffset? _startedAt;
        private DateTimeOffset? _finishedAt;
        private JobProgress _progress;
        private JobError? _error;
        private object? _result;
        private JobRecord? _snapshot;

        public Entry(JobRecord added)
        {
            _added = added;
            _status = added.Status;
            _attempt = added.Attempt;
            _scheduledAt = added.ScheduledAt;
            _startedAt = added.StartedAt;
            _finishedAt = added.FinishedAt;
            _progress = added.Progress;
            _error = added.Error;
            _result = added.Result;
            _snapshot = added;
        }

        public JobId Id => _added.Id;

        public JobRecord ToRecord()
        {
            lock (_gate)
            {
                return _snapshot ??= _added with
                {
                    Status = _status,
                    Attempt = _attempt,
                    ScheduledAt = _scheduledAt,
                    StartedAt = _startedAt,
                    FinishedAt = _finishedAt,
                    Progress = _progress,
                    Error = _error,
                    Result = _result,
                };
            }
        }

        public bool Matches(JobQuery query)
        {
            if ((query.Queue is not null && !string.Equals(_added.Queue, query.Queue, StringComparison.Ordinal))
                || (query.Name is not null && !string.Equals(_added.Name, query.Name, StringComparison.Ordinal))
                || (query.ParentId is { } parent && _added.ParentId != parent))
            {
                return false;
            }

            if (query.Status is not { } status)
            {
                return true;
            }

            lock (_gate)
            {
                return _status == status;
            }
        }

        public bool TryApply(JobTransition change)
        {
            lock (_gate)
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
            lock (_gate)
            {
                if (_status.IsTerminal())
                {
                    return false;
                }

                _progress = progress;
                _snapshot = null;
                return true;
            }
        }
    }
}
