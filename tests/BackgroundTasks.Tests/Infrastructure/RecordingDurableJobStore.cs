namespace BackgroundTasks.Tests;

/// <summary>A <see cref="RecordingJobStore"/> over a durable store: it records the claims and owner-checked outcomes too.</summary>
public sealed class RecordingDurableJobStore(IDurableJobStore inner) : RecordingJobStore(inner), IDurableJobStore, IJobStoreNotifications, IAsyncDisposable
{
    // Adds whose row may be committed (and claimed) before the add's own answer arrives: a store across the network
    // answers a claim on one connection before it answers the add on another. The claim is recorded after the add.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<JobId, TaskCompletionSource> _adding = new();

    /// <summary>Passes on the inner store's notifications, when it has them (PostgreSQL).</summary>
    public event Action<string>? JobsReady
    {
        add => (inner as IJobStoreNotifications)?.JobsReady += value;
        remove => (inner as IJobStoreNotifications)?.JobsReady -= value;
    }

    /// <summary>Passes on the inner store's notifications, when it has them (PostgreSQL).</summary>
    public event Action<JobId>? JobChanged
    {
        add => (inner as IJobStoreNotifications)?.JobChanged += value;
        remove => (inner as IJobStoreNotifications)?.JobChanged -= value;
    }

    /// <summary>Passes on the inner store's notifications, when it has them (PostgreSQL).</summary>
    public event Action<string, DateTimeOffset>? JobsDue
    {
        add => (inner as IJobStoreNotifications)?.JobsDue += value;
        remove => (inner as IJobStoreNotifications)?.JobsDue -= value;
    }

    public bool IsListening => inner is IJobStoreNotifications { IsListening: true };

    public TimeSpan LeaseDuration => inner.LeaseDuration;

    public async ValueTask AddAsync(JobRecord job, string? owner, CancellationToken cancellationToken = default)
    {
        var recorded = _adding.GetOrAdd(job.Id, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            await inner.AddAsync(job, owner, cancellationToken);
            Applied(job.Id, job.Status);
        }
        finally
        {
            recorded.TrySetResult();
            _adding.TryRemove(job.Id, out _);
        }
    }

    public async ValueTask<bool> AddClaimedAsync(JobRecord job, string owner, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var claimed = await inner.AddClaimedAsync(job, owner, now, cancellationToken);
        Applied(job.Id, job.Status);
        if (claimed)
        {
            Applied(job.Id, JobStatus.Running);
        }

        return claimed;
    }

    public async ValueTask<JobId> AddUniqueAsync(JobRecord job, string? owner, DateTimeOffset? finishedSince, CancellationToken cancellationToken = default)
    {
        var holder = await inner.AddUniqueAsync(job, owner, finishedSince, cancellationToken);
        if (holder == job.Id)
        {
            Applied(job.Id, job.Status);
        }

        return holder;
    }

    public async ValueTask<IReadOnlyList<JobRecord>> ClaimAsync(string queue, string owner, int max, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var claimed = await inner.ClaimAsync(queue, owner, max, now, cancellationToken);
        foreach (var record in claimed)
        {
            if (_adding.TryGetValue(record.Id, out var adding))
            {
                await adding.Task;
            }

            Applied(record.Id, JobStatus.Running);
        }

        return claimed;
    }

    public ValueTask<IReadOnlyList<JobId>> RenewLeasesAsync(string owner, DateTimeOffset now, CancellationToken cancellationToken = default)
        => inner.RenewLeasesAsync(owner, now, cancellationToken);

    public async ValueTask<bool> TransitionAsync(JobId id, JobTransition transition, string owner, CancellationToken cancellationToken = default)
    {
        var applied = await inner.TransitionAsync(id, transition, owner, cancellationToken);
        if (applied)
        {
            Applied(id, transition.Status);
        }

        return applied;
    }

    public ValueTask<int> RecoverAsync(DateTimeOffset now, string? host, string currentOwner, CancellationToken cancellationToken = default)
        => inner.RecoverAsync(now, host, currentOwner, cancellationToken);

    public ValueTask DisposeAsync() => inner is IAsyncDisposable disposable ? disposable.DisposeAsync() : ValueTask.CompletedTask;
}
