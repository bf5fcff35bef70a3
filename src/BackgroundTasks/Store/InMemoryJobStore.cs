using System.Collections.Concurrent;

namespace BackgroundTasks;

/// <summary>The default <see cref="IJobStore"/>: keeps job records in this process's memory.</summary>
public sealed class InMemoryJobStore : IJobStore
{
    private readonly ConcurrentDictionary<JobId, Entry> _jobs = new();

    /// <summary>Gets the number of jobs the store holds.</summary>
    public int Count => _jobs.Count;

    /// <inheritdoc/>
    public ValueTask AddAsync(JobRecord job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.Status is not (JobStatus.Queued or JobStatus.Scheduled))
        {
            throw new ArgumentException($"A new job must be Queued or Scheduled, not {job.Status}.", nameof(job));
        }

        if (!_jobs.TryAdd(job.Id, new Entry(job)))
        {
            throw new ArgumentException($"Job {job.Id} is already recorded; every job must have its own id.", nameof(job));
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<bool> TransitionAsync(JobId id, JobTransition transition, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(_jobs.TryGetValue(id, out var entry) && entry.TryApply(transition));

    /// <inheritdoc/>
    public ValueTask<bool> ReportProgressAsync(JobId id, JobProgress progress, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(_jobs.TryGetValue(id, out var entry) && entry.TrySetProgress(progress));

    /// <inheritdoc/>
    public ValueTask<JobRecord?> GetAsync(JobId id, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(_jobs.TryGetValue(id, out var entry) ? entry.ToRecord() : null);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<JobRecord>> QueryAsync(JobQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        IReadOnlyList<JobRecord> page = _jobs.Values
            .Select(static entry => entry.ToRecord())
            .Where(query.Matches)
            .OrderByDescending(static record => record.Id)
            .Skip(query.Skip)
            .Take(query.Take)
            .ToList();
        return ValueTask.FromResult(page);
    }

    private sealed class Entry(JobRecord record)
    {
        private JobRecord _record = record;

        public JobRecord ToRecord()
        {
            lock (this)
            {
                return _record;
            }
        }

        public bool TryApply(JobTransition change)
        {
            lock (this)
            {
                var current = _record;
                if (!JobTransition.IsAllowed(current.Status, change.Status)
                    || (change.Status == JobStatus.Running && change.Attempt <= current.Attempt))
                {
                    return false;
                }

                _record = change.Status switch
                {
                    JobStatus.Running => current with { Status = JobStatus.Running, Attempt = change.Attempt, StartedAt = change.Timestamp, ScheduledAt = null },
                    JobStatus.Queued => current with { Status = JobStatus.Queued, ScheduledAt = null },
                    JobStatus.Retrying => current with { Status = JobStatus.Retrying, ScheduledAt = change.ScheduledAt, Error = change.Error },
                    JobStatus.Succeeded => current with { Status = JobStatus.Succeeded, FinishedAt = change.Timestamp, Result = change.Result, ScheduledAt = null },
                    _ => current with { Status = change.Status, FinishedAt = change.Timestamp, Error = change.Error ?? current.Error, ScheduledAt = null },
                };
                return true;
            }
        }

        public bool TrySetProgress(JobProgress progress)
        {
            lock (this)
            {
                if (_record.Status.IsTerminal())
                {
                    return false;
                }

                _record = _record with { Progress = progress };
                return true;
            }
        }
    }
}
