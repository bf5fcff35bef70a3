namespace BackgroundTasks.Tests;

/// <summary>A user-written store that lists hosts (<see cref="IJobHostRegistry"/>): an in-memory store and a fixed list of hosts.</summary>
public sealed class HostListingJobStore(IReadOnlyList<JobHostInfo> hosts) : IJobStore, IJobHostRegistry
{
    private readonly InMemoryJobStore _inner = new();

    public ValueTask AddAsync(JobRecord job, CancellationToken cancellationToken = default) => _inner.AddAsync(job, cancellationToken);

    public ValueTask<bool> TransitionAsync(JobId id, JobTransition transition, CancellationToken cancellationToken = default) => _inner.TransitionAsync(id, transition, cancellationToken);

    public ValueTask<bool> ReportProgressAsync(JobId id, JobProgress progress, CancellationToken cancellationToken = default) => _inner.ReportProgressAsync(id, progress, cancellationToken);

    public ValueTask<JobRecord?> GetAsync(JobId id, CancellationToken cancellationToken = default) => _inner.GetAsync(id, cancellationToken);

    public ValueTask<IReadOnlyList<JobRecord>> QueryAsync(JobQuery query, CancellationToken cancellationToken = default) => _inner.QueryAsync(query, cancellationToken);

    public ValueTask<IReadOnlyList<JobHostInfo>> ListHostsAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(hosts);
}
