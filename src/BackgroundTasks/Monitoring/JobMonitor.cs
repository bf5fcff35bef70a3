using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace BackgroundTasks;

/// <summary>The default <see cref="IJobMonitor"/>: in-process notifications over the configured store.</summary>
internal sealed class JobMonitor(JobEngine engine, IRecurringJobLister? recurringJobs = null) : IJobMonitor
{
    public ValueTask<IReadOnlyList<RecurringJobInfo>> ListRecurringJobsAsync(CancellationToken cancellationToken = default)
        => recurringJobs is null ? ValueTask.FromResult<IReadOnlyList<RecurringJobInfo>>([]) : recurringJobs.ListAsync(cancellationToken);

    public ValueTask<JobRecord?> GetAsync(JobId id, CancellationToken cancellationToken = default)
        => engine.Records.Store.GetAsync(id, cancellationToken);

    public ValueTask<IReadOnlyList<JobRecord>> QueryAsync(JobQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return engine.Records.Store.QueryAsync(query, cancellationToken);
    }

    public async Task<JobRecord> WaitAsync(JobId id, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (engine.TryGetAlive(id, out var job))
            {
                await job.WhenFinished().WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            // Taken before the read: a change that another host makes, or a claim here, after it wakes the pause below.
            var changed = engine.Claimer?.Changes.NextChangeAsync(id);
            var nextClaim = engine.Claimer?.NextClaimAsync();
            var record = await GetKnownAsync(id, cancellationToken).ConfigureAwait(false);
            if (record.Status.IsTerminal())
            {
                return record;
            }

            // Run by another host, or waiting in a durable store to be claimed (maybe here): look again soon.
            await PauseOrThrowAsync(record, changed, nextClaim, cancellationToken).ConfigureAwait(false);
        }
    }

    public async IAsyncEnumerable<JobRecord> WatchAsync(JobId id, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // One pending signal is enough: the reader always re-reads the latest record, so a slow reader
        // skips intermediate records and the job never waits for it.
        var changed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
        IDisposable? subscription = null;
        LiveJob? watched = null;
        try
        {
            subscription = Subscribe(id, changed, out watched);
            var changedElsewhere = engine.Claimer?.Changes.NextChangeAsync(id);
            var nextClaim = engine.Claimer?.NextClaimAsync();
            var current = await GetKnownAsync(id, cancellationToken).ConfigureAwait(false);
            yield return current;
            while (!current.Status.IsTerminal())
            {
                if (watched is { IsFinished: true } && engine.Claimer is not null)
                {
                    // This process let go of the job before it ended: a durable store keeps it for its next attempt
                    // (a retry, or a claim given back), which runs as a new live job, here or on another host.
                    subscription?.Dispose();
                    (subscription, watched) = (null, null);
                }

                subscription ??= Subscribe(id, changed, out watched);
                if (subscription is null)
                {
                    await PauseOrThrowAsync(current, changedElsewhere, nextClaim, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await changed.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                }

                changedElsewhere = engine.Claimer?.Changes.NextChangeAsync(id);
                nextClaim = engine.Claimer?.NextClaimAsync();
                var next = await GetKnownAsync(id, cancellationToken).ConfigureAwait(false);
                if (next != current)
                {
                    current = next;
                    yield return current;
                }
            }
        }
        finally
        {
            subscription?.Dispose();
        }
    }

    public ValueTask<bool> CancelAsync(JobId id, CancellationToken cancellationToken = default)
        => engine.CancelAsync(id, cancellationToken);

    public ValueTask<JobId> RetryAsync(JobId id, CancellationToken cancellationToken = default)
        => engine.RetryAsync(id, cancellationToken);

    public async ValueTask<bool> DeleteAsync(JobId id, CancellationToken cancellationToken = default)
    {
        var record = await GetKnownAsync(id, cancellationToken).ConfigureAwait(false);
        return record.Status.IsTerminal() && await engine.Records.Store.DeleteAsync(id, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<IReadOnlyDictionary<(string Queue, JobStatus Status), int>> CountAsync(CancellationToken cancellationToken = default)
        => engine.Records.Store.CountAsync(cancellationToken);

    public ValueTask<IReadOnlyList<JobHostInfo>> ListHostsAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return engine.Records.Store is IJobHostRegistry registry
            ? registry.ListHostsAsync(cancellationToken)
            : ValueTask.FromResult<IReadOnlyList<JobHostInfo>>([]);
    }

    public JobEngineStatus GetEngineStatus() => engine.GetStatus();

    /// <summary>
    /// Waits before the store is read again, for a job this process does not run: on a durable store another
    /// host may run it, or it waits there to be claimed (by this host too: then the wait ends when this host
    /// claims jobs, or when the store says another host changed it: <paramref name="changed"/>). On any other store
    /// nothing will change it here, so say so rather than wait forever. <paramref name="nextClaim"/> is this host's next
    /// claim as it was before <paramref name="record"/> was read, so a claim between the read and the pause ends it.
    /// </summary>
    private Task PauseOrThrowAsync(JobRecord record, Task? changed, Task? nextClaim, CancellationToken cancellationToken)
        => engine.Claimer is not null
            ? Task.WhenAny(Task.Delay(engine.Options.PollInterval, engine.Time, cancellationToken), nextClaim ?? engine.Claimer.NextClaimAsync(), changed ?? engine.Claimer.NextClaimAsync()).Unwrap()
            : throw NotRunHere(record);

    private IDisposable? Subscribe(JobId id, Channel<bool> changed, out LiveJob? watched)
    {
        watched = engine.TryGetAlive(id, out var job) ? job : null;
        return watched?.Watch(() => changed.Writer.TryWrite(true));
    }

    // The store knows the job but this process does not run it (a shared store, or a record the store
    // kept from before). Nothing here will signal it, so say so rather than wait forever.
    private static InvalidOperationException NotRunHere(JobRecord record)
        => new($"Job {record.Id} is {record.Status} in the store, but this process does not run it, so its changes cannot be followed here.");

    private async ValueTask<JobRecord> GetKnownAsync(JobId id, CancellationToken cancellationToken)
        => await engine.Records.Store.GetAsync(id, cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException($"Job {id} is unknown: it was never enqueued here, or the store no longer keeps it.");
}
