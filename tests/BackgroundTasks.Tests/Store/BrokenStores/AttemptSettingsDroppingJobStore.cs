namespace BackgroundTasks.Tests.Store;

/// <summary>Broken on purpose: records come back without the timeout and back-off they were added with (a store written before JobRecord had them).</summary>
internal sealed class AttemptSettingsDroppingJobStore : IJobStore
{
    private readonly InMemoryJobStore _inner = new();

    public ValueTask AddAsync(JobRecord job, CancellationToken cancellationToken = default) => _inner.AddAsync(job, cancellationToken);

    public ValueTask<bool> TransitionAsync(JobId id, JobTransition transition, CancellationToken cancellationToken = default) => _inner.TransitionAsync(id, transition, cancellationToken);

    public ValueTask<bool> ReportProgressAsync(JobId id, JobProgress progress, CancellationToken cancellationToken = default) => _inner.ReportProgressAsync(id, progress, cancellationToken);

    public async ValueTask<JobRecord?> GetAsync(JobId id, CancellationToken cancellationToken = default)
        => await _inner.GetAsync(id, cancellationToken) is { } record ? Drop(record) : null;

    public async ValueTask<IReadOnlyList<JobRecord>> QueryAsync(JobQuery query, CancellationToken cancellationToken = default)
        => [.. (await _inner.QueryAsync(query, cancellationToken)).Select(Drop)];

    private static JobRecord Drop(JobRecord record) => record with { Timeout = null, Backoff = null };
}
