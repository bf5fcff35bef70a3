namespace BackgroundTasks;

/// <summary>Recurring jobs, by name, under a lock of their own; the version counts the changes.</summary>
public sealed partial class InMemoryJobStore : IRecurringJobStore
{
    private readonly SortedDictionary<string, RecurringJobRecord> _recurringJobs = new(StringComparer.Ordinal);
    private readonly Lock _recurringGate = new();
    private long _recurringVersion;

    /// <inheritdoc/>
    public ValueTask SaveRecurringJobAsync(RecurringJobRecord recurringJob, CancellationToken cancellationToken = default)
    {
        RecurringJobRecords.ThrowIfInvalid(recurringJob);
        lock (_recurringGate)
        {
            _recurringJobs[recurringJob.Name] = _recurringJobs.TryGetValue(recurringJob.Name, out var old)
                ? recurringJob with { IsPaused = old.IsPaused, LastRun = old.LastRun, LastRunJobId = old.LastRunJobId }
                : recurringJob;
            _recurringVersion++;
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<bool> PauseRecurringJobAsync(string name, bool paused, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_recurringGate)
        {
            if (!_recurringJobs.TryGetValue(name, out var old))
            {
                return new(false);
            }

            _recurringJobs[name] = old with { IsPaused = paused };
            _recurringVersion++;
            return new(true);
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> RecordRecurringRunAsync(string name, DateTimeOffset due, JobId jobId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_recurringGate)
        {
            if (!_recurringJobs.TryGetValue(name, out var old) || old.LastRun >= due)
            {
                return new(false);
            }

            _recurringJobs[name] = old with { LastRun = due, LastRunJobId = jobId };
            return new(true);
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> RemoveRecurringJobAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_recurringGate)
        {
            var removed = _recurringJobs.Remove(name);
            _recurringVersion += removed ? 1 : 0;
            return new(removed);
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<RecurringJobRecord>> ListRecurringJobsAsync(CancellationToken cancellationToken = default)
    {
        lock (_recurringGate)
        {
            return new([.. _recurringJobs.Values]);
        }
    }

    /// <inheritdoc/>
    public ValueTask<long> GetRecurringJobsVersionAsync(CancellationToken cancellationToken = default)
    {
        lock (_recurringGate)
        {
            return new(_recurringVersion);
        }
    }
}
