namespace BackgroundTasks;

/// <summary>
/// The default <see cref="IJobStore"/>: keeps job records in this process's memory. Finished jobs are
/// forgotten by the retention rules of <see cref="InMemoryJobStoreOptions"/>, so memory stays flat
/// however many jobs run; jobs that have not finished are always kept.
/// </summary>
/// <remarks>
/// Records are built only when read: the store keeps one small mutable entry per job. Finished jobs age by
/// the store's clock from the moment they finished, and are forgotten oldest first when a job finishes or a
/// query runs. The retention list holds each finished job's id and finish time beside its entry, so that
/// forgetting the oldest job reads the list's head, not an entry that has long left the processor's caches.
/// </remarks>
public sealed partial class InMemoryJobStore : IJobStore
{
    private static readonly JobQuery s_succeeded = new() { Status = JobStatus.Succeeded };
    private static readonly JobQuery s_failed = new() { Status = JobStatus.Failed };
    private static readonly JobQuery s_cancelled = new() { Status = JobStatus.Cancelled };

    private readonly JobTable<InMemoryEntry> _jobs = new();
    private readonly long _retention;
    private readonly int _maxFinished;

    // Finished entries, oldest first.
    private readonly Lock _finishedGate = new();
    private readonly Queue<Retained> _finished = new();

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

        _retention = options.RetentionPeriod.Ticks;
        _maxFinished = options.MaxFinishedJobs;
        Clock = timeProvider;
    }

    /// <summary>Gets the number of jobs the store holds now, finished ones included.</summary>
    public int Count => _jobs.Count;

    /// <summary>Gets the clock that ages finished jobs.</summary>
    internal TimeProvider Clock { get; }

    private object? _liveSlotsOwner;

    /// <summary>Gives the entries' <see cref="InMemoryEntry.Live"/> slots to one owner (the first engine that asks); a second engine sharing the store keeps its own table.</summary>
    internal bool TryTakeLiveSlots(object owner) => Interlocked.CompareExchange(ref _liveSlotsOwner, owner, null) is null;

    internal bool TryGetEntry(JobId id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out InMemoryEntry? entry) => _jobs.TryGet(id, out entry);

    internal List<InMemoryEntry> Entries() => _jobs.Snapshot();

    /// <inheritdoc/>
    public ValueTask AddAsync(JobRecord job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        Add(job.Id, JobSettings.Of(job), job.Arguments, job.Status, job.EnqueuedAt.UtcTicks, job.ScheduledAt?.UtcTicks ?? 0, nameof(job));
        return ValueTask.CompletedTask;
    }

    /// <summary>The engine's path: records a new job without building a <see cref="JobRecord"/>.</summary>
    /// <returns>The job's entry, which the engine hands back with each change instead of the id.</returns>
    internal InMemoryEntry Add(JobId id, JobSettings settings, string? arguments, JobStatus status, long enqueuedAt, long scheduledAt, string paramName = "job")
    {
        if (status is not (JobStatus.Queued or JobStatus.Scheduled))
        {
            throw new ArgumentException($"A new job must be Queued or Scheduled, not {status}.", paramName);
        }

        var entry = new InMemoryEntry(id, settings, arguments, status, enqueuedAt, scheduledAt);
        if (settings.UniqueKey is not null)
        {
            // A job added without the check still holds its key; a key a live job holds is refused, as a unique index would.
            var (added, holder) = AddUnique(entry, finishedSince: 0, paramName);
            return added ?? throw KeyHeld(entry, holder, paramName);
        }

        return _jobs.TryAdd(id, entry) ? entry : throw DuplicateId(id, paramName);
    }

    /// <inheritdoc/>
    public ValueTask<bool> TransitionAsync(JobId id, JobTransition transition, CancellationToken cancellationToken = default)
        => new(_jobs.TryGet(id, out var entry) && Transition(entry, transition, transitionOnStoreClock: false));

    /// <summary>The engine's path: applies a change to an entry it holds.</summary>
    /// <param name="entry">The entry.</param>
    /// <param name="transition">The change.</param>
    /// <param name="transitionOnStoreClock">Whether the transition's timestamp is a reading of the store's own clock, so that retention need not read it again.</param>
    internal bool Transition(InMemoryEntry entry, in JobTransition transition, bool transitionOnStoreClock)
    {
        if (!entry.TryApply(transition))
        {
            return false;
        }

        if (transition.Status.IsTerminal())
        {
            Retire(entry, transitionOnStoreClock ? transition.Timestamp.UtcTicks : Clock.GetUtcNow().UtcTicks);
        }

        return true;
    }

    /// <inheritdoc/>
    public ValueTask<bool> ReportProgressAsync(JobId id, JobProgress progress, CancellationToken cancellationToken = default)
        => new(_jobs.TryGet(id, out var entry) && entry.TrySetProgress(progress));

    /// <inheritdoc/>
    public ValueTask<JobRecord?> GetAsync(JobId id, CancellationToken cancellationToken = default)
        => new(_jobs.TryGet(id, out var entry) ? entry.ToRecord() : null);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<JobRecord>> QueryAsync(JobQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        lock (_finishedGate)
        {
            PruneLocked(Clock.GetUtcNow().UtcTicks);
        }

        var matches = _jobs.Snapshot();
        matches.RemoveAll(entry => !entry.Matches(query));
        matches.Sort(static (a, b) => b.Id.CompareTo(a.Id));
        var count = Math.Max(0, Math.Min(query.Take, matches.Count - query.Skip));
        var page = new JobRecord[count];
        for (var i = 0; i < count; i++)
        {
            page[i] = matches[query.Skip + i].ToRecord();
        }

        return new ValueTask<IReadOnlyList<JobRecord>>(page);
    }

    /// <inheritdoc/>
    /// <remarks>Counts every entry the store holds, after forgetting what retention lets go; a live job is read once, under its own lock.</remarks>
    public ValueTask<IReadOnlyDictionary<(string Queue, JobStatus Status), int>> CountAsync(CancellationToken cancellationToken = default)
    {
        lock (_finishedGate)
        {
            PruneLocked(Clock.GetUtcNow().UtcTicks);
        }

        var counts = new Dictionary<(string Queue, JobStatus Status), int>();
        foreach (var entry in _jobs.Snapshot())
        {
            // Most entries are finished, and a terminal status never changes: test those first, each a
            // short lock on the entry; a job still moving is read once, whole.
            var status = TerminalStatus(entry) ?? entry.ToRecord().Status;
            var key = (entry.Settings.Queue, status);
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        return new ValueTask<IReadOnlyDictionary<(string Queue, JobStatus Status), int>>(counts);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Deletes only a job that reached its terminal status. Its entry leaves the store at once; it still counts
    /// toward <see cref="InMemoryJobStoreOptions.MaxFinishedJobs"/>, and its memory is released, when retention
    /// would have forgotten it.
    /// </remarks>
    public ValueTask<bool> DeleteAsync(JobId id, CancellationToken cancellationToken = default)
        {
        if (!_jobs.TryGet(id, out var entry) || TerminalStatus(entry) is null || !_jobs.Remove(id, entry))
        {
            return new(false);
        }

        ForgetKey(entry);
        return new(true);
    }

    /// <summary>Gets an entry's status if it is terminal (then it never changes); otherwise <see langword="null"/>.</summary>
    private static JobStatus? TerminalStatus(InMemoryEntry entry)
        => entry.Matches(s_succeeded) ? JobStatus.Succeeded
            : entry.Matches(s_failed) ? JobStatus.Failed
            : entry.Matches(s_cancelled) ? JobStatus.Cancelled
            : null;

    /// <summary>Appends a job that reached its terminal status to the retention list, and forgets what retention lets go.</summary>
    /// <param name="entry">The job's entry.</param>
    /// <param name="now">When the store's clock saw the job finish (UTC ticks): retention ages it from then.</param>
    private void Retire(InMemoryEntry entry, long now)
    {
        Retained expired;
        lock (_finishedGate)
        {
            _finished.Enqueue(new Retained(entry.Id, entry, now));
            if (!TryTakeExpired(now, out expired))
            {
                return;
            }

            // Rarely more than one at a time (jobs that aged out together): the others go here.
            PruneLocked(now);
        }

        // The common case once the store is full: one job over the limit, forgotten outside the lock that other
        // workers retiring their jobs wait for.
        Forget(expired);
    }

    private void PruneLocked(long now)
    {
        while (TryTakeExpired(now, out var expired))
        {
            Forget(expired);
        }
    }

    /// <summary>Takes the oldest finished job off the retention list if retention lets it go (guarded by <see cref="_finishedGate"/>).</summary>
    private bool TryTakeExpired(long now, out Retained oldest)
    {
        if (_finished.TryPeek(out oldest) && (_finished.Count > _maxFinished || now - oldest.Since >= _retention))
        {
            _finished.Dequeue();
            return true;
        }

        return false;
    }

    private void Forget(in Retained finished)
    {
        _jobs.Remove(finished.Id, finished.Entry);
        ForgetKey(finished.Entry);
    }

    /// <summary>A finished job in the retention list: its id and finish time kept beside the entry, so that pruning need not read the entry.</summary>
    private readonly record struct Retained(JobId Id, InMemoryEntry Entry, long Since);
}
