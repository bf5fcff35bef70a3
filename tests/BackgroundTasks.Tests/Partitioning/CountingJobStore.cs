namespace BackgroundTasks.Tests.Partitioning;

/// <summary>An <see cref="IJobStore"/> decorator that counts progress writes per job.</summary>
internal sealed class CountingJobStore(IJobStore inner) : IJobStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<JobId, int> _progressWrites = [];

    public int ProgressWrites(JobId id)
    {
        lock (_gate)
        {
            return _progressWrites.GetValueOrDefault(id);
        }
    }

    public ValueTask AddAsync(JobRecord job, CancellationToken cancellationToken = default) => inner.AddAsync(job, cancellationToken);

    public ValueTask<bool> TransitionAsync(JobId id, JobTransition transition, CancellationToken cancellationToken = default)
        => inner.TransitionAsync(id, transition, cancellationToken);

    public ValueTask<bool> ReportProgressAsync(JobId id, JobProgress progress, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _progressWrites[id] = _progressWrites.GetValueOrDefault(id) + 1;
        }

        return inner.ReportProgressAsync(id, progress, cancellationToken);
    }

    public ValueTask<JobRecord?> GetAsync(JobId id, CancellationToken cancellationToken = default) => inner.GetAsync(id, cancellationToken);

    public ValueTask<IReadOnlyList<JobRecord>> QueryAsync(JobQuery query, CancellationToken cancellationToken = default) => inner.QueryAsync(query, cancellationToken);
}
