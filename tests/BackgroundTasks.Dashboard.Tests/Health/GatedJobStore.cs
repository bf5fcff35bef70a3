namespace BackgroundTasks.Dashboard.Tests.Health;

/// <summary>An in-memory store whose reads can be made to throw or to hang (ignoring their token), as a store that cannot be reached does.</summary>
internal sealed class GatedJobStore : IJobStore
{
    private readonly InMemoryJobStore _inner = new();

    /// <summary>Gets or sets the exception every read throws; <see langword="null"/> for none.</summary>
    public Exception? ReadFailure { get; set; }

    /// <summary>Gets or sets a value indicating whether reads never answer (and ignore their token).</summary>
    public bool ReadsHang { get; set; }

    /// <summary>Completes when a read starts hanging.</summary>
    public TaskCompletionSource ReadHanging { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ValueTask AddAsync(JobRecord job, CancellationToken cancellationToken = default) => _inner.AddAsync(job, cancellationToken);

    public ValueTask<bool> TransitionAsync(JobId id, JobTransition transition, CancellationToken cancellationToken = default) => _inner.TransitionAsync(id, transition, cancellationToken);

    public ValueTask<bool> ReportProgressAsync(JobId id, JobProgress progress, CancellationToken cancellationToken = default) => _inner.ReportProgressAsync(id, progress, cancellationToken);

    public ValueTask<JobRecord?> GetAsync(JobId id, CancellationToken cancellationToken = default)
    {
        if (ReadFailure is { } failure)
        {
            throw failure;
        }

        if (ReadsHang)
        {
            ReadHanging.TrySetResult();
            return new ValueTask<JobRecord?>(new TaskCompletionSource<JobRecord?>().Task);
        }

        return _inner.GetAsync(id, cancellationToken);
    }

    public ValueTask<IReadOnlyList<JobRecord>> QueryAsync(JobQuery query, CancellationToken cancellationToken = default) => _inner.QueryAsync(query, cancellationToken);
}
