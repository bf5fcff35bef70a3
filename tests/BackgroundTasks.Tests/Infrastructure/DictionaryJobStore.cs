namespace BackgroundTasks.Tests;

/// <summary>
/// A store as a user would write one from the README's "Write your own store": a lock around a
/// <see cref="Dictionary{TKey, TValue}"/> of records, each change a new record. It forgets the oldest
/// finished jobs past <c>maxFinished</c>, so that long runs stay flat. The engine reaches it through the
/// same seam as any store that is not the built-in in-memory one.
/// </summary>
public sealed class DictionaryJobStore(int maxFinished = 10_000) : IJobStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<JobId, JobRecord> _jobs = [];
    private readonly Queue<JobId> _finished = new();

    public ValueTask AddAsync(JobRecord job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.Status is not (JobStatus.Queued or JobStatus.Scheduled))
        {
            throw new ArgumentException($"A new job must be Queued or Scheduled, not {job.Status}.", nameof(job));
        }

        lock (_gate)
        {
            if (!_jobs.TryAdd(job.Id, job))
            {
                throw new ArgumentException($"Job {job.Id} is already recorded.", nameof(job));
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> TransitionAsync(JobId id, JobTransition transition, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_jobs.TryGetValue(id, out var current)
                || !JobTransition.IsAllowed(current.Status, transition.Status)
                || (transition.Status == JobStatus.Running && transition.Attempt <= current.Attempt))
            {
                return new ValueTask<bool>(false);
            }

            _jobs[id] = transition.Status switch
            {
                JobStatus.Running => current with { Status = JobStatus.Running, Attempt = transition.Attempt, StartedAt = transition.Timestamp, ScheduledAt = null },
                JobStatus.Retrying => current with { Status = JobStatus.Retrying, ScheduledAt = transition.ScheduledAt, Error = transition.Error },
                JobStatus.Succeeded => current with { Status = JobStatus.Succeeded, FinishedAt = transition.Timestamp, Result = transition.Result, ScheduledAt = null },
                JobStatus.Failed or JobStatus.Cancelled => current with
                {
                    Status = transition.Status,
                    FinishedAt = transition.Timestamp,
                    Error = transition.Error ?? current.Error,
                    CancelReason = transition.Status == JobStatus.Cancelled ? transition.CancelReason : JobCancelReason.None,
                    ScheduledAt = null,
                },
                _ => current with { Status = transition.Status, ScheduledAt = null },
            };

            if (transition.Status.IsTerminal())
            {
                _finished.Enqueue(id);
                while (_finished.Count > maxFinished)
                {
                    _jobs.Remove(_finished.Dequeue());
                }
            }

            return new ValueTask<bool>(true);
        }
    }

    public ValueTask<bool> ReportProgressAsync(JobId id, JobProgress progress, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_jobs.TryGetValue(id, out var current) || current.Status.IsTerminal())
            {
                return new ValueTask<bool>(false);
            }

            _jobs[id] = current with { Progress = progress };
            return new ValueTask<bool>(true);
        }
    }

    public ValueTask<JobRecord?> GetAsync(JobId id, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return new ValueTask<JobRecord?>(_jobs.GetValueOrDefault(id));
        }
    }

    public ValueTask<IReadOnlyList<JobRecord>> QueryAsync(JobQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        lock (_gate)
        {
            IReadOnlyList<JobRecord> page = [.. _jobs.Values.Where(query.Matches).OrderByDescending(static r => r.Id).Skip(query.Skip).Take(query.Take)];
            return new ValueTask<IReadOnlyList<JobRecord>>(page);
        }
    }
}
