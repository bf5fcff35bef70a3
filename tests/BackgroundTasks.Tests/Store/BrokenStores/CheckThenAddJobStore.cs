namespace BackgroundTasks.Tests.Store;

/// <summary>Broken on purpose: AddUniqueAsync looks the key up, then adds in a separate step, so racing adds of one key get in together (how many depends on how they interleave).</summary>
internal sealed class CheckThenAddJobStore : IJobStore
{
    private readonly DictionaryJobStore _inner = new();

    public ValueTask AddAsync(JobRecord job, CancellationToken cancellationToken = default) => _inner.AddAsync(job, cancellationToken);

    public async ValueTask<JobId> AddUniqueAsync(JobRecord job, DateTimeOffset? finishedSince, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(job.UniqueKey, nameof(job));
        var page = await _inner.QueryAsync(new JobQuery { Take = 10_000 }, cancellationToken);
        var holder = page
            .Where(r => r.UniqueKey == job.UniqueKey && (r.Status < JobStatus.Succeeded || r.FinishedAt >= finishedSince))
            .OrderByDescending(r => r.FinishedAt ?? DateTimeOffset.MaxValue)
            .FirstOrDefault();
        if (holder is not null)
        {
            return holder.Id;
        }

        // The gap between the look-up and the insert that an atomic store must not have.
        await Task.Yield();
        await _inner.AddAsync(job, cancellationToken);
        return job.Id;
    }

    public ValueTask<bool> TransitionAsync(JobId id, JobTransition transition, CancellationToken cancellationToken = default) => _inner.TransitionAsync(id, transition, cancellationToken);

    public ValueTask<bool> ReportProgressAsync(JobId id, JobProgress progress, CancellationToken cancellationToken = default) => _inner.ReportProgressAsync(id, progress, cancellationToken);

    public ValueTask<JobRecord?> GetAsync(JobId id, CancellationToken cancellationToken = default) => _inner.GetAsync(id, cancellationToken);

    public ValueTask<IReadOnlyList<JobRecord>> QueryAsync(JobQuery query, CancellationToken cancellationToken = default) => _inner.QueryAsync(query, cancellationToken);
}
