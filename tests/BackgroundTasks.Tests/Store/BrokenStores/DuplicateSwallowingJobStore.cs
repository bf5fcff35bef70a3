namespace BackgroundTasks.Tests.Store;

/// <summary>Broken on purpose: a second AddAsync with a known id is silently ignored instead of throwing ArgumentException.</summary>
internal sealed class DuplicateSwallowingJobStore : IJobStore
{
    private readonly InMemoryJobStore _inner = new();

    public async ValueTask AddAsync(JobRecord job, CancellationToken cancellationToken = default)
    {
        try
        {
            await _inner.AddAsync(job, cancellationToken);
        }
        catch (ArgumentException)
        {
            // "Idempotent insert": the bug under test.
        }
    }

    public ValueTask<bool> TransitionAsync(JobId id, JobTransition transition, CancellationToken cancellationToken = default) => _inner.TransitionAsync(id, transition, cancellationToken);

    public ValueTask<bool> ReportProgressAsync(JobId id, JobProgress progress, CancellationToken cancellationToken = default) => _inner.ReportProgressAsync(id, progress, cancellationToken);

    public ValueTask<JobRecord?> GetAsync(JobId id, CancellationToken cancellationToken = default) => _inner.GetAsync(id, cancellationToken);

    public ValueTask<IReadOnlyList<JobRecord>> QueryAsync(JobQuery query, CancellationToken cancellationToken = default) => _inner.QueryAsync(query, cancellationToken);
}
