namespace BackgroundTasks.Benchmarks.Peers;

/// <summary>
/// A job store that records nothing and accepts every change: a stand-in for "status tracking off", which
/// the library does not offer yet. Jobs still get ids and still run through the same queue and workers.
/// </summary>
public sealed class NullJobStore : IJobStore
{
    /// <inheritdoc/>
    public ValueTask AddAsync(JobRecord job, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    /// <inheritdoc/>
    public ValueTask<bool> TransitionAsync(JobId id, JobTransition transition, CancellationToken cancellationToken = default) => ValueTask.FromResult(true);

    /// <inheritdoc/>
    public ValueTask<bool> ReportProgressAsync(JobId id, JobProgress progress, CancellationToken cancellationToken = default) => ValueTask.FromResult(true);

    /// <inheritdoc/>
    public ValueTask<JobRecord?> GetAsync(JobId id, CancellationToken cancellationToken = default) => ValueTask.FromResult<JobRecord?>(null);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<JobRecord>> QueryAsync(JobQuery query, CancellationToken cancellationToken = default)
        => ValueTask.FromResult<IReadOnlyList<JobRecord>>([]);
}
