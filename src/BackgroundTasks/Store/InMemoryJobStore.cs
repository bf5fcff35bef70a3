using System.Collections.Concurrent;

namespace BackgroundTasks;

/// <summary>
/// The default <see cref="IJobStore"/>: keeps job records in this process's memory. Finished jobs are
/// forgotten by the retention rules of <see cref="InMemoryJobStoreOptions"/>, so memory stays flat
/// however many jobs run; jobs that have not finished are always kept.
/// </summary>
public sealed partial class InMemoryJobStore : IJobStore
{
    private readonly ConcurrentDictionary<JobId, Entry> _jobs = new();
    private readonly ConcurrentQueue<(Entry Entry, long FinishedAt)> _finished = new();
    private readonly Lock _pruneGate = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _retention;
    private readonly int _maxFinished;
    private int _finishedCount;

    /// <summary>Initializes a new instance of the <see cref="InMemoryJobStore"/> class with default retention and the system clock.</summary>
    public InMemoryJobStore()
        : this(new InMemoryJobStoreOptions(), TimeProvider.System)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InMemoryJobStore"/> class.</summary>
    /// <param name="options">The retention rules.</param>
    /// <param name="timeProvider">The clock that ages finished jobs.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The retention period or the maximum is negative.</exception>
    public InMemoryJobStore(InMemoryJobStoreOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (options.RetentionPeriod < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.RetentionPeriod, "InMemoryJobStoreOptions.RetentionPeriod must not be negative.");
        }

        if (options.MaxFinishedJobs < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxFinishedJobs, "InMemoryJobStoreOptions.MaxFinishedJobs must not be negative.");
        }

        _retention = options.RetentionPeriod;
        _maxFinished = options.MaxFinishedJobs;
        _time = timeProvider;
    }

    /// <summary>Gets the number of jobs the store holds now, finished ones included.</summary>
    public int Count => _jobs.Count;

    /// <inheritdoc/>
    public ValueTask AddAsync(JobRecord job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.Status is not (JobStatus.Queued or JobStatus.Scheduled))
        {
            throw new ArgumentException($"A new job must be Queued or Scheduled, not {job.Status}.", nameof(job));
        }

        if (!_jobs.TryAdd(job.Id, new Entry(job)))
        {
            throw DuplicateId(job.Id, nameof(job));
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The library's fast path: records a new job without building a <see cref="JobRecord"/> first.</summary>
    internal void Add(JobId id, string? name, string queue, JobPriority priority, JobStatus status, int maxAttempts, DateTimeOffset enqueuedAt, DateTimeOffset? scheduledAt, JobId? parentId)
    {
        if (!_jobs.TryAdd(id, new Entry(id, name, queue, priority, status, maxAttempts, enqueuedAt, scheduledAt, parentId)))
        {
            throw DuplicateId(id, "job");
        }
    }

    /// <summary>Attaches an opaque object to a job's entry (the library's live job), or detaches it with <see langword="null"/>.</summary>
    internal void SetLiveTag(JobId id, object? tag)
    {
        if (_jobs.TryGetValue(id, out var entry))
        {
            entry.LiveTag = tag;
        }
    }

    internal object? GetLiveTag(JobId id) => _jobs.TryGetValue(id, out var entry) ? entry.LiveTag : null;

    internal IEnumerable<object> LiveTags()
    {
        foreach (var entry in _jobs.Values)
        {
            if (entry.LiveTag is { } tag)
            {
                yield return tag;
            }
        }
    }

    private static ArgumentException DuplicateId(JobId id, string paramName)
        => new($"Job {id} is already recorded; every job must have its own id.", paramName);

    /// <inheritdoc/>
    public ValueTask<bool> TransitionAsync(JobId id, JobTransition transition, CancellationToken cancellationToken = default)
    {
        if (!_jobs.TryGetValue(id, out var entry) || !entry.TryApply(transition))
        {
            return new ValueTask<bool>(false);
        }

        if (transition.Status.IsTerminal())
        {
            // Aged by the store's own clock, whatever clock stamped the transition.
            _finished.Enqueue((entry, _time.GetTimestamp()));
            Interlocked.Increment(ref _finishedCount);
            Prune();
        }

        return new ValueTask<bool>(true);
    }

    /// <inheritdoc/>
    public ValueTask<bool> ReportProgressAsync(JobId id, JobProgress progress, CancellationToken cancellationToken = default)
        => new(_jobs.TryGetValue(id, out var entry) && entry.TrySetProgress(progress));

    /// <inheritdoc/>
    public ValueTask<JobRecord?> GetAsync(JobId id, CancellationToken cancellationToken = default)
        => new(_jobs.TryGetValue(id, out var entry) ? entry.ToRecord() : null);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<JobRecord>> QueryAsync(JobQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        Prune();
        var matches = new List<Entry>();
        foreach (var entry in _jobs.Values)
        {
            if (entry.Matches(query))
            {
                matches.Add(entry);
            }
        }

        matches.Sort(static (a, b) => b.Id.CompareTo(a.Id));
        var count = Math.Max(0, Math.Min(query.Take, matches.Count - query.Skip));
        var page = new JobRecord[count];
        for (var i = 0; i < count; i++)
        {
            page[i] = matches[query.Skip + i].ToRecord();
        }

        return new ValueTask<IReadOnlyList<JobRecord>>(page);
    }

    /// <summary>Forgets finished jobs beyond the maximum count or older than the retention period.</summary>
    private void Prune()
    {
        if (Volatile.Read(ref _finishedCount) == 0 || !_pruneGate.TryEnter())
        {
            return;
        }

        try
        {
            while (_finished.TryPeek(out var oldest)
                && (Volatile.Read(ref _finishedCount) > _maxFinished || _time.GetElapsedTime(oldest.FinishedAt) >= _retention)
                && _finished.TryDequeue(out oldest))
            {
                Interlocked.Decrement(ref _finishedCount);
                _jobs.TryRemove(new KeyValuePair<JobId, Entry>(oldest.Entry.Id, oldest.Entry));
            }
        }
        finally
        {
            _pruneGate.Exit();
        }
    }
}
