namespace BackgroundTasks;

/// <summary>The default <see cref="IJobMonitor"/>: in-process notifications over the configured store.</summary>
internal sealed class JobMonitor(JobQueue engine) : IJobMonitor
{
    public ValueTask<JobRecord?> GetAsync(JobId id, CancellationToken cancellationToken = default)
        => engine.Store.GetAsync(id, cancellationToken);

    public ValueTask<IReadOnlyList<JobRecord>> QueryAsync(JobQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return engine.Store.QueryAsync(query, cancellationToken);
    }

    public async Task<JobRecord> WaitAsync(JobId id, CancellationToken cancellationToken = default)
    {
        if (engine.TryGetAlive(id, out var item))
        {
            await item.WhenFinished().WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        var record = await engine.Store.GetAsync(id, cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException($"Job {id} is unknown: it was never enqueued here, or the store no longer keeps it.");
        if (record.Status.IsTerminal())
        {
            return record;
        }

        // The store knows the job but this process does not run it (a shared store, or a record the
        // store kept from before). Nothing here will signal it, so say so rather than wait forever.
        throw new InvalidOperationException($"Job {id} is {record.Status} in the store, but this process does not run it, so its completion cannot be awaited here.");
    }

    public ValueTask<bool> CancelAsync(JobId id, CancellationToken cancellationToken = default)
        => engine.CancelAsync(id);
}
