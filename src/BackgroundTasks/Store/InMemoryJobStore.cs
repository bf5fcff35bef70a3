using System.Runtime.InteropServices;

namespace BackgroundTasks;

/// <summary>
/// The default <see cref="IJobStore"/>: keeps job records in this process's memory. Finished jobs are
/// forgotten by the retention rules of <see cref="InMemoryJobStoreOptions"/>, so memory stays flat
/// however many jobs run; jobs that have not finished are always kept.
/// </summary>
/// <remarks>
/// The library records the jobs it runs here without building a <see cref="JobRecord"/> per change: a job
/// and its entry are one object, and records are made only when read. A transition written through
/// <see cref="TransitionAsync"/> for a job a host still runs is applied as for any job; a terminal one ends
/// a job that has not started (it will not run, and its waiters wake), and a job that is running keeps
/// running, but its own outcome no longer replaces the status written.
/// </remarks>
public sealed class InMemoryJobStore : IJobStore
{
    private readonly JobEntryTable _jobs = new(1024);
    private readonly JobEntry _stub = new StubEntry();
    private readonly long _retention;
    private readonly int _maxFinished;

    // Finished jobs, oldest first: an intrusive queue that workers append to without a lock (one
    // exchange each) and that the pruner alone takes from (one thread at a time). Its fields change on
    // every job, so they live apart from the fields above, which every enqueue reads.
    private readonly FinishedQueue _finished;

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
        _finished = new FinishedQueue(_stub);
    }

    /// <summary>Gets the number of jobs the store holds now, finished ones included.</summary>
    public int Count => _jobs.Count;

    /// <summary>Gets the clock that ages finished jobs.</summary>
    internal TimeProvider Clock { get; }

    /// <inheritdoc/>
    public ValueTask AddAsync(JobRecord job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.Status is not (JobStatus.Queued or JobStatus.Scheduled))
        {
            throw new ArgumentException($"A new job must be Queued or Scheduled, not {job.Status}.", nameof(job));
        }

        if (!_jobs.TryAdd(new RecordEntry(job)))
        {
            throw DuplicateId(job.Id, nameof(job));
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The library's path: records a live job, which is its own entry, without building a <see cref="JobRecord"/>.</summary>
    /// <exception cref="ArgumentException">A job with the same id is already recorded.</exception>
    internal void Add(JobEntry entry)
    {
        if (!_jobs.TryAdd(entry))
        {
            throw DuplicateId(entry.Id, nameof(entry));
        }
    }

    private static ArgumentException DuplicateId(JobId id, string paramName)
        => new($"Job {id} is already recorded; every job must have its own id.", paramName);

    internal bool TryGetEntry(JobId id, out JobEntry entry) => _jobs.TryGet(id, out entry);

    /// <summary>Gets every entry held now.</summary>
    internal List<JobEntry> Entries() => _jobs.Snapshot();

    /// <inheritdoc/>
    public ValueTask<bool> TransitionAsync(JobId id, JobTransition transition, CancellationToken cancellationToken = default)
    {
        if (!_jobs.TryGet(id, out var entry))
        {
            return new ValueTask<bool>(false);
        }

        if (entry is JobWorkItem { IsSignalled: false } live)
        {
            // A job the library still runs here: its engine applies the change, so that both agree.
            return new ValueTask<bool>(live.Queue.Engine.ApplyFromStore(this, live, transition));
        }

        using (entry.Guard())
        {
            if (!entry.TryApplyLocked(transition))
            {
                return new ValueTask<bool>(false);
            }
        }

        if (transition.Status.IsTerminal())
        {
            // Aged by the store's own clock, whatever clock stamped the transition.
            Retire(entry, Clock.GetUtcNow().UtcTicks);
        }

        return new ValueTask<bool>(true);
    }

    /// <summary>Starts keeping a job that reached its terminal status under the retention rules. Called once per job.</summary>
    /// <param name="entry">The finished job.</param>
    /// <param name="now">Now, in UTC ticks of <see cref="Clock"/>.</param>
    internal void Retire(JobEntry entry, long now)
    {
        entry.RetainedSince = now;
        entry.NextFinished = null;
        RetireChain(entry, entry, 1, now);
    }

    /// <summary>
    /// Gets how many finished jobs a worker may hand to retention at once (<see cref="RetireChain"/>): up to
    /// 1/64 of <see cref="InMemoryJobStoreOptions.MaxFinishedJobs"/>, at most 16, and 1 (no batching) for a
    /// small maximum, so that the store never holds more than a sliver beyond it.
    /// </summary>
    internal int RetireBatch => Math.Clamp(_maxFinished / 64, 1, 16);

    /// <summary>
    /// Hands a chain of finished jobs to retention in one step: <paramref name="first"/> to
    /// <paramref name="last"/>, linked through <see cref="JobEntry.NextFinished"/>, oldest first, each with
    /// its <see cref="JobEntry.RetainedSince"/> set. One exchange and one count for the whole chain.
    /// </summary>
    internal void RetireChain(JobEntry first, JobEntry last, int count, long now)
    {
        var previous = Interlocked.Exchange(ref _finished.Tail, last);
        Volatile.Write(ref previous.NextFinished, first);
        Interlocked.Add(ref _finished.Count, count);
        Prune(now);
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
        Prune(Clock.GetUtcNow().UtcTicks);
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

    /// <summary>Forgets finished jobs beyond the maximum count or older than the retention period, oldest first.</summary>
    private void Prune(long now)
    {
        if (Volatile.Read(ref _finished.Count) == 0 || Interlocked.CompareExchange(ref _finished.Pruning, 1, 0) != 0)
        {
            return;
        }

        // The count other workers add to is written once per prune, not once per job forgotten.
        var forgotten = 0;
        try
        {
            while (TryPeekOldest(out var oldest)
                && (Volatile.Read(ref _finished.Count) - forgotten > _maxFinished || now - oldest.RetainedSince >= _retention)
                && TryTakeOldest(oldest))
            {
                forgotten++;
                _jobs.Remove(oldest);
            }
        }
        finally
        {
            if (forgotten != 0)
            {
                Interlocked.Add(ref _finished.Count, -forgotten);
            }

            Volatile.Write(ref _finished.Pruning, 0);
        }
    }

    // The queue below is Dmitry Vyukov's intrusive multi-producer, single-consumer queue: a stub entry
    // stands in while the queue is empty, and an append shows up once its link is written.
    private bool TryPeekOldest(out JobEntry oldest)
    {
        var head = _finished.Head;
        if (ReferenceEquals(head, _stub))
        {
            var next = Volatile.Read(ref head.NextFinished);
            if (next is null)
            {
                oldest = null!;
                return false;
            }

            _finished.Head = head = next;
        }

        oldest = head;
        return true;
    }

    private bool TryTakeOldest(JobEntry head)
    {
        var next = Volatile.Read(ref head.NextFinished);
        if (next is null)
        {
            if (!ReferenceEquals(head, Volatile.Read(ref _finished.Tail)))
            {
                // A worker is between its exchange and its link: take it on the next prune.
                return false;
            }

            _stub.NextFinished = null;
            var previous = Interlocked.Exchange(ref _finished.Tail, _stub);
            Volatile.Write(ref previous.NextFinished, _stub);
            next = Volatile.Read(ref head.NextFinished);
            if (next is null)
            {
                return false;
            }
        }

        _finished.Head = next;
        head.NextFinished = null;
        return true;
    }

    /// <summary>
    /// The finished-job queue's moving parts, with 128 bytes on either side for the reason given on
    /// <see cref="IsolatedCounter"/>: the pruner writes the head on every job it forgets and workers write the
    /// tail and count on every batch they retire, while every enqueue reads the store's own fields.
    /// </summary>
    [StructLayout(LayoutKind.Explicit, Size = 384)]
    private sealed class FinishedQueue
    {
        [FieldOffset(128)]
        public JobEntry Head;

        [FieldOffset(136)]
        public JobEntry Tail;

        [FieldOffset(144)]
        public int Count;

        // 1 while a thread prunes: one pruner at a time, the others go on.
        [FieldOffset(148)]
        public int Pruning;

        public FinishedQueue(JobEntry stub) => Head = Tail = stub;
    }

    private sealed class StubEntry() : JobEntry(default)
    {
        public override string? Name => null;

        public override string QueueName => string.Empty;

        public override JobPriority Priority => JobPriority.Normal;

        public override int MaxAttempts => 1;

        public override JobId? ParentId => null;
    }
}
