using System.Collections.Frozen;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BackgroundTasks;

/// <summary>
/// The engine behind <see cref="IJobQueue"/>: the named queues, the jobs alive in this process, delayed
/// jobs and retries, and the recording of every terminal status.
/// </summary>
internal sealed partial class JobQueue : IJobQueue, IDisposable
{
    private readonly FrozenDictionary<string, NamedJobQueue> _queues;
    private readonly LiveJobs _alive;
    private readonly NamedJobQueue _defaultQueue;
    private readonly InMemoryJobStore? _memory;
    private readonly bool _storeSharesClock;
    private volatile bool _closed;

    public JobQueue(
        IOptions<BackgroundJobsOptions> options,
        IJobStore store,
        TimeProvider timeProvider,
        IServiceScopeFactory scopeFactory,
        ILogger<JobQueue>? logger = null,
        IMeterFactory? meterFactory = null)
    {
        Options = options.Value;
        Store = store;
        Time = timeProvider;
        ScopeFactory = scopeFactory;
        Logger = logger ?? (ILogger)NullLogger.Instance;
        _queues = Options.Queues.ToFrozenDictionary(static q => q.Key, q => new NamedJobQueue(this, q.Key, q.Value), StringComparer.Ordinal);
        _defaultQueue = _queues[Options.DefaultQueue];
        _memory = store as InMemoryJobStore;
        _storeSharesClock = _memory is not null && ReferenceEquals(_memory.Clock, timeProvider);
        _alive = LiveJobs.For(store, IsOurs);
        Metrics = new JobMetrics(meterFactory, QueueLengths);
    }

    public JobMetrics Metrics { get; }

    /// <summary>Gets the store when it is the in-memory one, whose entries are the live jobs themselves.</summary>
    public InMemoryJobStore? Memory => _memory;

    public BackgroundJobsOptions Options { get; }

    public IJobStore Store { get; }

    public TimeProvider Time { get; }

    public IServiceScopeFactory ScopeFactory { get; }

    public ILogger Logger { get; }

    public IEnumerable<NamedJobQueue> Queues => _queues.Values;

    public bool IsClosed => _closed;

    /// <summary>Gets the number of accepted jobs that have not reached a terminal status.</summary>
    public int AliveCount => _alive.Count;

    /// <summary>Gets the number of jobs running now.</summary>
    public int RunningCount => _alive.All().Count(static item => item.IsRunning);

    public ValueTask<JobId> EnqueueAsync(Func<JobContext, Task> job, JobOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        var queue = Resolve(options);
        return AcceptAsync(new DelegateJob(JobId.NewId(), queue, options, job), options, cancellationToken);
    }

    public ValueTask<JobId> EnqueueAsync<TResult>(Func<JobContext, Task<TResult>> job, JobOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        var queue = Resolve(options);
        return AcceptAsync(new ResultJob<TResult>(JobId.NewId(), queue, options, job), options, cancellationToken);
    }

    public ValueTask<JobId> EnqueueAsync<TService>(Func<TService, JobContext, Task> job, JobOptions? options = null, CancellationToken cancellationToken = default)
        where TService : notnull
    {
        ArgumentNullException.ThrowIfNull(job);
        var queue = Resolve(options);
        return AcceptAsync(new ServiceJob<TService>(JobId.NewId(), queue, options, job), options, cancellationToken);
    }

    public bool TryEnqueue(Func<JobContext, Task> job, out JobId id, JobOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(job);
        var queue = Resolve(options);
        ThrowIfClosed();
        var dueAt = DueAt(options);
        var item = new DelegateJob(JobId.NewId(), queue, options, job);
        if (dueAt is null)
        {
            if (!queue.TryReserve())
            {
                id = default;
                return false;
            }

            item.HoldsSlot = true;
        }

        var add = RecordNew(item, dueAt, CancellationToken.None);
        if (!add.IsCompleted)
        {
            // A store that answers asynchronously: the job is accepted now and enters its queue once recorded.
            _ = AdmitWhenRecordedAsync(add, item, dueAt);
        }
        else
        {
            AdmitRecorded(add, item, dueAt);
        }

        id = item.Id;
        return true;
    }

    /// <summary>Cancels a job by id: a waiting job is recorded cancelled at once, a running job's token fires.</summary>
    public async ValueTask<bool> CancelAsync(JobId id)
    {
        if (!_alive.TryGet(id, out var item))
        {
            return false;
        }

        while (!item.IsFinished)
        {
            if (item.CancelRunning(JobCancelReason.Requested))
            {
                Logger.CancelRequested(id, running: true);
                return true;
            }

            if (item.TryCancelWaiting())
            {
                Logger.CancelRequested(id, running: false);
                await RecordTerminalAsync(item, JobStatus.Cancelled, error: null, result: null).ConfigureAwait(false);
                return true;
            }
        }

        return false;
    }

    /// <summary>Finds a job that has not finished yet.</summary>
    public bool TryGetAlive(JobId id, out JobWorkItem item) => _alive.TryGet(id, out item);

    /// <summary>Stops accepting jobs: enqueue fails from now on, and producers waiting for space fail.</summary>
    public void Close()
    {
        _closed = true;
        foreach (var queue in _queues.Values)
        {
            queue.Close();
        }
    }

    public void Dispose()
    {
        Metrics.Dispose();
        foreach (var queue in _queues.Values)
        {
            queue.Dispose();
        }
    }

    internal static InvalidOperationException ShutDownException()
        => new("The job queue is shut down: the host is stopping or has stopped, so no more jobs are accepted. Enqueue while the host runs.");

    private static DateTimeOffset? DueAtOrNull(JobOptions? options, DateTimeOffset now)
        => options?.Delay is { } delay ? now + delay : options?.RunAt;

    private DateTimeOffset? DueAt(JobOptions? options)
    {
        if (options is null || (options.Delay is null && options.RunAt is null))
        {
            return null;
        }

        var now = Time.GetUtcNow();
        var dueAt = DueAtOrNull(options, now);
        return dueAt > now ? dueAt : null;
    }

    private NamedJobQueue Resolve(JobOptions? options)
    {
        if (options is null)
        {
            return _defaultQueue;
        }

        if (options.Timeout is { } timeout && timeout <= TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException($"JobOptions.Timeout is {timeout}: it must be positive, or Timeout.InfiniteTimeSpan for none.", nameof(options));
        }

        if (options.MaxAttempts is < 1)
        {
            throw new ArgumentException($"JobOptions.MaxAttempts is {options.MaxAttempts}: it must be at least 1 (1 means no retries).", nameof(options));
        }

        if (options.Delay is { } delay && delay < TimeSpan.Zero)
        {
            throw new ArgumentException($"JobOptions.Delay is {delay}: it must not be negative.", nameof(options));
        }

        if (options.Delay is not null && options.RunAt is not null)
        {
            throw new ArgumentException("JobOptions.Delay and JobOptions.RunAt are both set: set only one of them.", nameof(options));
        }

        if (!Enum.IsDefined(options.Priority))
        {
            throw new ArgumentException($"JobOptions.Priority is {(int)options.Priority}: use JobPriority.High, Normal or Low.", nameof(options));
        }

        if (options.Queue is null)
        {
            return _defaultQueue;
        }

        return _queues.TryGetValue(options.Queue, out var queue)
            ? queue
            : throw new ArgumentException(
                $"JobOptions.Queue is '{options.Queue}', which is not a configured queue. Known queues: {string.Join(", ", _queues.Keys.Order(StringComparer.Ordinal).Select(static k => $"'{k}'"))}. Add it with AddBackgroundJobs().AddQueue(\"{options.Queue}\").",
                nameof(options));
    }

    private void ThrowIfClosed()
    {
        if (_closed)
        {
            throw ShutDownException();
        }
    }

    private ValueTask<JobId> AcceptAsync(JobWorkItem item, JobOptions? options, CancellationToken cancellationToken)
    {
        // The common case, without an async state machine: the in-memory store, no delay, room in the queue.
        if (_memory is not null && (options is null || (options.Delay is null && options.RunAt is null)) && !cancellationToken.IsCancellationRequested)
        {
            ThrowIfClosed();
            if (item.Queue.TryReserve())
            {
                item.HoldsSlot = true;
                AdmitRecorded(RecordNew(item, dueAt: null, cancellationToken), item, dueAt: null);
                return new ValueTask<JobId>(item.Id);
            }
        }

        return AcceptSlowAsync(item, options, cancellationToken);
    }

    private async ValueTask<JobId> AcceptSlowAsync(JobWorkItem item, JobOptions? options, CancellationToken cancellationToken)
    {
        ThrowIfClosed();
        var dueAt = DueAt(options);
        if (dueAt is null)
        {
            await item.Queue.ReserveAsync(cancellationToken).ConfigureAwait(false);
            item.HoldsSlot = true;
        }

        try
        {
            await AddToStoreAsync(item, dueAt, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            ReleaseSlot(item);
            throw;
        }

        if (!Admit(item, dueAt, out var mustRecord))
        {
            if (mustRecord)
            {
                await RecordTerminalAsync(item, JobStatus.Cancelled, ShutdownError(), result: null).ConfigureAwait(false);
            }

            throw ShutDownException();
        }

        return item.Id;
    }

    private async Task AdmitWhenRecordedAsync(ValueTask add, JobWorkItem item, DateTimeOffset? dueAt)
    {
        try
        {
            await add.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Logger.StoreFailed(ex, nameof(IJobStore.AddAsync), item.Id);
        }

        if (!Admit(item, dueAt, out var mustRecord) && mustRecord)
        {
            await RecordTerminalAsync(item, JobStatus.Cancelled, ShutdownError(), result: null).ConfigureAwait(false);
        }
    }

    /// <summary>Starts recording a new job; a store that throws at once gives the job's slot back.</summary>
    private ValueTask RecordNew(JobWorkItem item, DateTimeOffset? dueAt, CancellationToken cancellationToken)
    {
        try
        {
            return AddToStoreAsync(item, dueAt, cancellationToken);
        }
        catch
        {
            ReleaseSlot(item);
            throw;
        }
    }

    /// <summary>
    /// Admits a job whose recording completed already, or rejects it: the store's failure (slot given
    /// back), or the shut-down exception when the queue closed meanwhile.
    /// </summary>
    private void AdmitRecorded(ValueTask add, JobWorkItem item, DateTimeOffset? dueAt)
    {
        try
        {
            // Completed already: observe it, so that a store that failed at once rejects the job here.
            add.GetAwaiter().GetResult();
        }
        catch
        {
            ReleaseSlot(item);
            throw;
        }

        if (!Admit(item, dueAt, out var mustRecord))
        {
            if (mustRecord)
            {
                _ = RecordTerminalAsync(item, JobStatus.Cancelled, ShutdownError(), result: null).AsTask();
            }

            throw ShutDownException();
        }
    }

    private ValueTask AddToStoreAsync(JobWorkItem item, DateTimeOffset? dueAt, CancellationToken cancellationToken)
    {
        if (_memory is not null)
        {
            AddToMemory(_memory, item, dueAt);
            return ValueTask.CompletedTask;
        }

        return Store.AddAsync(CreateRecord(item, dueAt), cancellationToken);
    }

    private void AddToMemory(InMemoryJobStore memory, JobWorkItem item, DateTimeOffset? dueAt)
    {
        item.InitializeRecorded(dueAt is null ? JobStatus.Queued : JobStatus.Scheduled, Time.GetUtcNow().UtcTicks, dueAt?.UtcTicks ?? 0);
        memory.Add(item);
    }

    private bool IsOurs(JobWorkItem item) => ReferenceEquals(item.Queue.Engine, this);

    private JobRecord CreateRecord(JobWorkItem item, DateTimeOffset? dueAt) => new()
    {
        Id = item.Id,
        Name = item.Name,
        Queue = item.Queue.Name,
        Priority = item.Priority,
        Status = dueAt is null ? JobStatus.Queued : JobStatus.Scheduled,
        MaxAttempts = item.MaxAttempts,
        EnqueuedAt = Time.GetUtcNow(),
        ScheduledAt = dueAt,
        ParentId = item.ParentId,
    };

    /// <summary>Makes a recorded job live: it can be cancelled by id, and it waits in its lane or for its timer.</summary>
    /// <returns>
    /// <see langword="false"/> when the queue closed meanwhile: the job is not accepted, and when
    /// <paramref name="mustRecord"/> is set the caller records it cancelled (otherwise the shutdown sweep did).
    /// </returns>
    private bool Admit(JobWorkItem item, DateTimeOffset? dueAt, out bool mustRecord)
    {
        _alive.Add(item);
        if (_closed)
        {
            ReleaseSlot(item);
            mustRecord = item.TryFinish();
            return false;
        }

        mustRecord = false;
        Logger.JobAccepted(item.Id, item.Name, item.Queue.Name);
        Metrics.Enqueued(item.Queue.Name);
        if (dueAt is { } due)
        {
            ScheduleAt(item, due);
        }
        else
        {
            item.Queue.Push(item);
        }

        return true;
    }

    private IEnumerable<Measurement<int>> QueueLengths()
    {
        foreach (var queue in _queues.Values)
        {
            yield return new Measurement<int>(queue.Count, new KeyValuePair<string, object?>("backgroundtasks.queue", queue.Name));
        }
    }

    private static void ReleaseSlot(JobWorkItem item)
    {
        if (item.HoldsSlot)
        {
            item.HoldsSlot = false;
            item.Queue.ReleaseReservation();
        }
    }
}
