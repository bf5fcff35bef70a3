namespace BackgroundTasks.Testing;

/// <summary>
/// The job store of a <see cref="JobsTestHost"/>: it passes every call on to the configured store, logs each
/// job the store accepts, and counts the writes that change a status, so that the host can tell exactly when
/// nothing more will happen without a clock change.
/// </summary>
internal sealed class ObservedJobStore(IJobStore inner, bool ownsInner, HostActivity activity, EnqueueLog log) : IJobStore, IAsyncDisposable
{
    public async ValueTask AddAsync(JobRecord job, CancellationToken cancellationToken = default)
    {
        activity.WriteStarted();
        try
        {
            await inner.AddAsync(job, cancellationToken).ConfigureAwait(false);
            log.Accepted(job);
        }
        finally
        {
            activity.WriteFinished();
        }
    }

    public async ValueTask<bool> TransitionAsync(JobId id, JobTransition transition, CancellationToken cancellationToken = default)
    {
        activity.WriteStarted();
        try
        {
            return await inner.TransitionAsync(id, transition, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            activity.WriteFinished();
        }
    }

    public async ValueTask<bool> DeleteAsync(JobId id, CancellationToken cancellationToken = default)
    {
        activity.WriteStarted();
        try
        {
            return await inner.DeleteAsync(id, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            activity.WriteFinished();
        }
    }

    public ValueTask<bool> ReportProgressAsync(JobId id, JobProgress progress, CancellationToken cancellationToken = default)
        => inner.ReportProgressAsync(id, progress, cancellationToken);

    public ValueTask<JobRecord?> GetAsync(JobId id, CancellationToken cancellationToken = default)
        => inner.GetAsync(id, cancellationToken);

    public ValueTask<IReadOnlyList<JobRecord>> QueryAsync(JobQuery query, CancellationToken cancellationToken = default)
        => inner.QueryAsync(query, cancellationToken);

    public ValueTask<IReadOnlyDictionary<(string Queue, JobStatus Status), int>> CountAsync(CancellationToken cancellationToken = default)
        => inner.CountAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        // The container disposes what it creates; the store inside was created for it, so it goes too.
        if (!ownsInner)
        {
            return;
        }

        if (inner is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync().ConfigureAwait(false);
        }
        else if (inner is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }
}
