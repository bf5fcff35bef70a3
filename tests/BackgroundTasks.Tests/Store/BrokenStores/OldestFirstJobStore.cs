namespace BackgroundTasks.Tests.Store;

/// <summary>Broken on purpose: QueryAsync pages through jobs oldest first (ascending id) instead of newest first.</summary>
internal sealed class OldestFirstJobStore : IJobStore
{
    private readonly InMemoryJobStore _inner = new();

    public ValueTask AddAsync(JobRecord job, CancellationToken cancellationToken = default) => _inner.AddAsync(job, cancellationToken);

    public ValueTask<bool> TransitionAsync(JobId id, JobTransition transition, CancellationToken cancellationToken = default) => _inner.TransitionAsync(id, transition, cancellationToken);

    public ValueTask<bool> ReportProgressAsync(JobId id, JobProgress progress, CancellationToken cancellationToken = default) => _inner.ReportProgressAsync(id, progress, cancellationToken);

    public ValueTask<JobRecord?> GetAsync(JobId id, CancellationToken cancellationToken = default) => _inner.GetAsync(id, cancellationToken);

    public async ValueTask<IReadOnlyList<JobRecord>> QueryAsync(JobQuery query, CancellationToken cancellationToken = default)
    {
        var all = await _inner.QueryAsync(query with { Skip = 0, Take = 10_000 }, cancellationToken);
        return all.OrderBy(r => r.Id).Skip(query.Skip).Take(query.Take).ToList();
    }
}
