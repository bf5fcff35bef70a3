using System.Collections.Concurrent;

namespace BackgroundTasks.Tests.Store;

/// <summary>
/// Broken on purpose: checks and applies a transition in two steps with an await in between (like a
/// read-then-write over a database without a transaction), so two racing terminal transitions can both win.
/// </summary>
internal sealed class RacyJobStore : IJobStore
{
    private readonly ConcurrentDictionary<JobId, JobRecord> _jobs = new();

    public ValueTask AddAsync(JobRecord job, CancellationToken cancellationToken = default)
    {
        if (!_jobs.TryAdd(job.Id, job))
        {
            throw new ArgumentException($"Job {job.Id} is already recorded.", nameof(job));
        }

        return ValueTask.CompletedTask;
    }

    public async ValueTask<bool> TransitionAsync(JobId id, JobTransition transition, CancellationToken cancellationToken = default)
    {
        if (!_jobs.TryGetValue(id, out var current)
            || !JobTransition.IsAllowed(current.Status, transition.Status)
            || (transition.Status == JobStatus.Running && transition.Attempt <= current.Attempt))
        {
            return false;
        }

        await Task.Yield(); // the round trip between the read and the write
        _jobs[id] = RecordChanges.Apply(current, transition);
        return true;
    }

    public async ValueTask<bool> ReportProgressAsync(JobId id, JobProgress progress, CancellationToken cancellationToken = default)
    {
        if (!_jobs.TryGetValue(id, out var current) || current.Status.IsTerminal())
        {
            return false;
        }

        await Task.Yield();
        _jobs[id] = current with { Progress = progress };
        return true;
    }

    public ValueTask<JobRecord?> GetAsync(JobId id, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(_jobs.TryGetValue(id, out var record) ? record : null);

    public ValueTask<IReadOnlyList<JobRecord>> QueryAsync(JobQuery query, CancellationToken cancellationToken = default)
        => ValueTask.FromResult<IReadOnlyList<JobRecord>>(_jobs.Values.Where(query.Matches).OrderByDescending(r => r.Id).Skip(query.Skip).Take(query.Take).ToList());
}
