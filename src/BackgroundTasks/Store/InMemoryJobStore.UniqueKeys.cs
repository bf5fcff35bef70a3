namespace BackgroundTasks;

/// <summary>Unique keys: which entry holds each key, changed under one lock together with the job table.</summary>
public sealed partial class InMemoryJobStore
{
    // Key → the entry that last took it. An entry leaves when the store forgets or deletes it.
    private readonly Dictionary<string, InMemoryEntry> _holders = new(StringComparer.Ordinal);
    private readonly Lock _holdersGate = new();

    // Set by the first job added with a key: until then, forgetting a job need not read its entry for a key.
    private volatile bool _keysUsed;

    /// <inheritdoc/>
    /// <remarks>The check and the add happen under one lock, so racing adds of a key have one winner.</remarks>
    public ValueTask<JobId> AddUniqueAsync(JobRecord job, DateTimeOffset? finishedSince, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        UniqueKeys.ThrowIfNoKey(job, nameof(job));
        var (_, holder) = AddUnique(job.Id, JobSettings.Of(job), job.Arguments, job.Status, job.EnqueuedAt.UtcTicks, job.ScheduledAt?.UtcTicks ?? 0, finishedSince, nameof(job));
        return new ValueTask<JobId>(holder);
    }

    /// <summary>The engine's path: records a new job with a unique key, unless another job holds the key.</summary>
    /// <returns>The new entry and its id; or no entry and the id of the job that holds the key.</returns>
    internal (InMemoryEntry? Entry, JobId Holder) AddUnique(JobId id, JobSettings settings, string? arguments, JobStatus status, long enqueuedAt, long scheduledAt, DateTimeOffset? finishedSince, string paramName = "job")
    {
        if (status is not (JobStatus.Queued or JobStatus.Scheduled))
        {
            throw new ArgumentException($"A new job must be Queued or Scheduled, not {status}.", paramName);
        }

        var since = finishedSince is { } time ? Math.Max(1, time.UtcTicks) : 0;
        return AddUnique(new InMemoryEntry(id, settings, arguments, status, enqueuedAt, scheduledAt), since, paramName);
    }

    private (InMemoryEntry? Entry, JobId Holder) AddUnique(InMemoryEntry entry, long finishedSince, string paramName)
    {
        var key = entry.Settings.UniqueKey!;
        lock (_holdersGate)
        {
            if (_holders.TryGetValue(key, out var holder) && holder.HoldsKey(finishedSince))
            {
                return (null, holder.Id);
            }

            _keysUsed = true;
            if (!_jobs.TryAdd(entry.Id, entry))
            {
                throw DuplicateId(entry.Id, paramName);
            }

            _holders[key] = entry;
            return (entry, entry.Id);
        }
    }

    /// <summary>Lets go of the key of an entry the store no longer keeps.</summary>
    private void ForgetKey(InMemoryEntry entry)
    {
        if (!_keysUsed || entry.Settings.UniqueKey is not { } key)
        {
            return;
        }

        lock (_holdersGate)
        {
            if (_holders.TryGetValue(key, out var holder) && ReferenceEquals(holder, entry))
            {
                _holders.Remove(key);
            }
        }
    }

    private static ArgumentException DuplicateId(JobId id, string paramName)
        => new($"Job {id} is already recorded; every job must have its own id.", paramName);

    private static ArgumentException KeyHeld(InMemoryEntry entry, JobId holder, string paramName)
        => new($"Job {entry.Id} has unique key '{entry.Settings.UniqueKey}', which job {holder} holds: add it with AddUniqueAsync to get the job that holds the key instead.", paramName);
}
