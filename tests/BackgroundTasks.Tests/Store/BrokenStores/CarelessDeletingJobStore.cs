using System.Collections.Concurrent;

namespace BackgroundTasks.Tests.Store;

/// <summary>Broken on purpose: it deletes jobs that have not finished, and its counts put every job in queue "default".</summary>
internal sealed class CarelessDeletingJobStore : IJobStore
{
    private readonly DictionaryJobStore _inner = new();
    private readonly ConcurrentDictionary<JobId, bool> _deleted = new();

    public ValueTask AddAsync(JobRecord job, CancellationToken cancellationToken = default) => _inner.AddAsync(job, cancellationToken);

    public ValueTask<bool> TransitionAsync(JobId id, JobTransition transition, CancellationToken cancellationToken = default)
        => _deleted.ContainsKey(id) ? new(false) : _inner.TransitionAsync(id, transition, cancellationToken);

    public ValueTask<bool> ReportProgressAsync(JobId id, JobProgress progress, CancellationToken cancellationToken = default)
        => _deleted.ContainsKey(id) ? new(false) : _inner.ReportProgressAsync(id, progress, cancellationToken);

    public async ValueTask<JobRecord?> GetAsync(JobId id, CancellationToken cancellationToken = default)
        => _deleted.ContainsKey(id) ? null : await _inner.GetAsync(id, cancellationToken);

    public async ValueTask<IReadOnlyList<JobRecord>> QueryAsync(JobQuery query, CancellationToken cancellationToken = default)
    {
        var all = await _inner.QueryAsync(query with { Skip = 0, Take = 10_000 }, cancellationToken);
        return [.. all.Where(r => !_deleted.ContainsKey(r.Id)).Skip(query.Skip).Take(query.Take)];
    }

    public async ValueTask<IReadOnlyDictionary<(string Queue, JobStatus Status), int>> CountAsync(CancellationToken cancellationToken = default)
    {
        var all = await QueryAsync(new JobQuery { Take = 10_000 }, cancellationToken);
        return all.GroupBy(r => r.Status).ToDictionary(g => ("default", g.Key), g => g.Count());
    }

    public async ValueTask<bool> DeleteAsync(JobId id, CancellationToken cancellationToken = default)
        => await GetAsync(id, cancellationToken) is not null && _deleted.TryAdd(id, true);
}
