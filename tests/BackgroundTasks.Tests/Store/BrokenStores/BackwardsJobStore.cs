using System.Collections.Concurrent;

namespace BackgroundTasks.Tests.Store;

/// <summary>Broken on purpose: applies every transition it is asked for, so a status can move backwards or leave a terminal status.</summary>
internal sealed class BackwardsJobStore : IJobStore
{
    private readonly ConcurrentDictionary<JobId, JobRecord> _jobs = new();
    private readonly Lock _gate = new();

    public ValueTask AddAsync(JobRecord job, CancellationToken cancellationToken = default)
    {
        if (!_jobs.TryAdd(job.Id, job))
        {
            throw new ArgumentException($"Job {job.Id} is already recorded.", nameof(job));
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> TransitionAsync(JobId id, JobTransition transition, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_jobs.TryGetValue(id, out var current))
            {
                return ValueTask.FromResult(false);
            }

            _jobs[id] = RecordChanges.Apply(current, transition);
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask<bool> ReportProgressAsync(JobId id, JobProgress progress, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_jobs.TryGetValue(id, out var current) || current.Status.IsTerminal())
            {
                return ValueTask.FromResult(false);
            }

            _jobs[id] = current with { Progress = progress };
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask<JobRecord?> GetAsync(JobId id, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(_jobs.TryGetValue(id, out var record) ? record : null);

    public ValueTask<IReadOnlyList<JobRecord>> QueryAsync(JobQuery query, CancellationToken cancellationToken = default)
        => ValueTask.FromResult<IReadOnlyList<JobRecord>>(_jobs.Values.Where(query.Matches).OrderByDescending(r => r.Id).Skip(query.Skip).Take(query.Take).ToList());
}
