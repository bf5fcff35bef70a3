namespace BackgroundTasks.Tests.Store;

/// <summary>
/// Broken on purpose: records come back rewritten by <paramref name="drop"/> (some fields lost, as a store written
/// before they existed would lose them); by default without a typed job's Arguments and a cancelled job's CancelReason.
/// </summary>
internal sealed class FieldDroppingJobStore(Func<JobRecord, JobRecord>? drop = null) : IJobStore
{
    private readonly InMemoryJobStore _inner = new();
    private readonly Func<JobRecord, JobRecord> _drop = drop ?? (static record => record with { Arguments = null, CancelReason = JobCancelReason.None });

    public ValueTask AddAsync(JobRecord job, CancellationToken cancellationToken = default) => _inner.AddAsync(job, cancellationToken);

    public ValueTask<bool> TransitionAsync(JobId id, JobTransition transition, CancellationToken cancellationToken = default) => _inner.TransitionAsync(id, transition, cancellationToken);

    public ValueTask<bool> ReportProgressAsync(JobId id, JobProgress progress, CancellationToken cancellationToken = default) => _inner.ReportProgressAsync(id, progress, cancellationToken);

    public async ValueTask<JobRecord?> GetAsync(JobId id, CancellationToken cancellationToken = default)
        => await _inner.GetAsync(id, cancellationToken) is { } record ? _drop(record) : null;

    public async ValueTask<IReadOnlyList<JobRecord>> QueryAsync(JobQuery query, CancellationToken cancellationToken = default)
        => [.. (await _inner.QueryAsync(query, cancellationToken)).Select(_drop)];
}
