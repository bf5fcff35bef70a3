using System.Collections.Frozen;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BackgroundTasks;

/// <summary>
/// The engine behind <see cref="IJobQueue"/>: the named queues, the jobs alive in this process, delayed
/// jobs and retries, and the recording of every change through the one <see cref="StoreAdapter"/>.
/// </summary>
internal sealed partial class JobEngine : IJobQueue, IDisposable
{
    private readonly FrozenDictionary<string, NamedQueue> _queues;
    private readonly NamedQueue _defaultQueue;
    private readonly LiveJobs _alive;
    private readonly JobRegistry _registry;
    private readonly CancellationTokenSource _stopClaiming = new();
    private volatile bool _closed;

    public JobEngine(
        IOptions<BackgroundJobsOptions> options,
        IJobStore store,
        TimeProvider timeProvider,
        IServiceScopeFactory scopeFactory,
        JobRegistry registry,
        ILogger<JobEngine>? logger = null,
        IMeterFactory? meterFactory = null,
        JobHooks? hooks = null)
    {
        Options = options.Value;
        Time = timeProvider;
        ScopeFactory = scopeFactory;
        Hooks = hooks ?? JobHooks.None;
        _registry = registry;
        Logger = logger ?? (ILogger)NullLogger.Instance;
        Records = StoreAdapter.For(store, timeProvider, Logger, Options.HostName);
        _alive = Records.CreateLiveJobs(this);
        _queues = Options.Queues.ToFrozenDictionary(static q => q.Key, q => new NamedQueue(q.Key, q.Value, timeProvider), StringComparer.Ordinal);
        _defaultQueue = _queues[Options.DefaultQueue];
        Metrics = new JobMetrics(meterFactory, QueueLengths);
        Claimer = Records.Durable is { } durable ? new JobClaimer(this, durable) : null;
    }

    /// <summary>Gets what feeds the lanes from a durable store; <see langword="null"/> when the engine's lanes are the queues.</summary>
    public JobClaimer? Claimer { get; }

    public BackgroundJobsOptions Options { get; }

    /// <summary>Gets the store, through the seam the engine records with.</summary>
    public StoreAdapter Records { get; }

    public TimeProvider Time { get; }

    public IServiceScopeFactory ScopeFactory { get; }

    public ILogger Logger { get; }

    public JobMetrics Metrics { get; }

    public IEnumerable<NamedQueue> Queues => _queues.Values;

    public bool IsClosed => _closed;

    /// <summary>Gets the number of accepted jobs that have not reached a terminal status.</summary>
    public int AliveCount => _alive.Count;

    /// <summary>Gets the jobs alive now.</summary>
    internal List<LiveJob> AliveJobs => _alive.Snapshot();

    /// <summary>Gets the number of jobs running now.</summary>
    public int RunningCount => _alive.Snapshot().Count(static job => job.IsRunning);

    public ValueTask<JobId> EnqueueAsync(Func<JobContext, Task> job, JobOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        var queue = Resolve(options);
        return AcceptAsync(new DelegateJob(JobId.NewId(), SettingsFor(queue, options), job), queue, options, cancellationToken);
    }

    public ValueTask<JobId> EnqueueAsync<TResult>(Func<JobContext, Task<TResult>> job, JobOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        var queue = Resolve(options);
        return AcceptAsync(new ResultJob<TResult>(JobId.NewId(), SettingsFor(queue, options), job), queue, options, cancellationToken);
    }

    public ValueTask<JobId> EnqueueAsync<TService>(Func<TService, JobContext, Task> job, JobOptions? options = null, CancellationToken cancellationToken = default)
        where TService : notnull
    {
        ArgumentNullException.ThrowIfNull(job);
        var queue = Resolve(options);
        return AcceptAsync(new ServiceJob<TService>(JobId.NewId(), SettingsFor(queue, options), job), queue, options, cancellationToken);
    }

    public ValueTask<JobId> EnqueueAsync<TJob, TArgs>(TArgs args, JobOptions? options = null, CancellationToken cancellationToken = default)
        where TJob : class
    {
        var (job, queue) = NewTypedJob<TJob, TArgs>(args, options);
        return AcceptAsync(job, queue, options, cancellationToken);
    }

    public async Task<IReadOnlyList<JobId>> EnqueueManyAsync<TJob, TArgs>(IEnumerable<TArgs> args, JobOptions? options = null, CancellationToken cancellationToken = default)
        where TJob : class
    {
        ArgumentNullException.ThrowIfNull(args);
        var registration = _registry.For(typeof(TJob));
        var queue = Resolve(options);
        if (options?.UniqueKey is not null)
        {
            throw new ArgumentException("JobOptions.UniqueKey is set, but EnqueueManyAsync gives every job the same options and so the same key: enqueue each job with EnqueueUniqueAsync and a key of its own.", nameof(options));
        }

        if (options?.Name is { } name && !string.Equals(name, registration.Name, StringComparison.Ordinal))
        {
            throw new ArgumentException($"JobOptions.Name is '{name}', but a typed job is named by its registration: '{registration.Name}'. Leave Name unset.", nameof(options));
        }

        // Every argument is checked before the first job is accepted, so bad input enqueues nothing.
        var settings = SettingsFor(queue, options, registration.Name);
        var jobs = args.Select(a => new TypedJob(JobId.NewId(), settings, registration, registration.SerializeArguments(a))).ToList();

        // Accepted together: a durable store commits whatever arrives at once in one transaction.
        var accepted = new Task<JobId>[jobs.Count];
        for (var i = 0; i < jobs.Count; i++)
        {
            accepted[i] = AcceptAsync(jobs[i], queue, options, cancellationToken).AsTask();
        }

        return await Task.WhenAll(accepted).ConfigureAwait(false);
    }

    /// <summary>Enqueues a failed or cancelled typed job again, as a new job with the same name, arguments, queue, priority and attempts.</summary>
    public async ValueTask<JobId> RetryAsync(JobId id, CancellationToken cancellationToken)
    {
        var record = await Records.Store.GetAsync(id, cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException($"Job {id} is unknown: it was never enqueued here, or the store no longer keeps it.");
        if (record.Status is not (JobStatus.Failed or JobStatus.Cancelled))
        {
            throw new InvalidOperationException($"Job {id} is {record.Status}: only a failed or cancelled job can be retried.");
        }

        if (record.Arguments is null || record.Name is null || !_registry.TryGet(record.Name, out var registration))
        {
            throw new InvalidOperationException(record.Arguments is null
                ? $"Job {id} is a lambda job: its code is not stored, so it cannot be run again. Only typed jobs (AddJob<TJob, TArgs>) can be retried."
                : $"Job {id} is named '{record.Name}', which no AddJob call of this host registers, so it cannot run here.");
        }

        if (!_queues.TryGetValue(record.Queue, out var queue))
        {
            throw new InvalidOperationException($"Job {id} belongs to queue '{record.Queue}', which this host does not configure. Add it with AddBackgroundJobs().AddQueue(\"{record.Queue}\").");
        }

        var enqueuing = JobActivities.Enqueuing();
        var settings = new JobSettings(queue.Name, registration.Name, record.Priority, record.MaxAttempts, record.ParentId, record.Timeout ?? queue.Options.Timeout, record.Backoff ?? queue.Options.Backoff, enqueuing?.Id, enqueuing?.TraceStateString);
        return await AcceptAsync(new TypedJob(JobId.NewId(), settings, registration, record.Arguments), queue, options: null, cancellationToken).ConfigureAwait(false);
    }

    public bool TryEnqueue(Func<JobContext, Task> job, out JobId id, JobOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(job);
        var queue = Resolve(options);
        if (options?.UniqueKey is not null)
        {
            throw new ArgumentException("JobOptions.UniqueKey is set, but TryEnqueue cannot wait for the store to check the key: use EnqueueUniqueAsync.", nameof(options));
        }

        ThrowIfClosed();
        if (options?.ContinueAfter is not null)
        {
            throw new ArgumentException("JobOptions.ContinueAfter is set, but TryEnqueue never waits for the job it continues: use EnqueueAsync.", nameof(options));
        }

        var dueAt = DueAt(options);
        if (dueAt is null && Claimer is null && !queue.TryReserve())
        {
            id = default;
            return false;
        }

        var live = new DelegateJob(JobId.NewId(), SettingsFor(queue, options), job) { HoldsSlot = dueAt is null && Claimer is null };
        var add = RecordNewAsync(live, queue, dueAt, CancellationToken.None);
        if (add.IsCompleted)
        {
            try
            {
                // A store that failed at once rejects the job here.
                live.KeepStoreHandle(add.Result);
            }
            catch
            {
                ReleaseSlot(live, queue);
                throw;
            }

            Admit(live, queue, dueAt);
        }
        else
        {
            // A store that answers later: the job is accepted now and enters its queue once recorded.
            _ = AdmitWhenRecordedAsync(add, live, queue, dueAt);
        }

        id = live.Id;
        return true;
    }

    /// <summary>Finds a job that has not finished yet.</summary>
    public bool TryGetAlive(JobId id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out LiveJob? job) => _alive.TryGet(id, out job);

    /// <summary>Gets the queue a job belongs to.</summary>
    public NamedQueue QueueOf(LiveJob job) => _queues[job.Settings.Queue];

    /// <summary>Stops accepting jobs: enqueue fails from now on, and producers waiting for space fail.</summary>
    public void Close()
    {
        _closed = true;
        _stopClaiming.Cancel();
        foreach (var queue in _queues.Values)
        {
            queue.Close();
        }
    }

    /// <summary>Runs the claim loops of a durable store until the engine closes; completes at once for other stores.</summary>
    public Task RunClaimerAsync() => Claimer?.RunAsync(_stopClaiming.Token) ?? Task.CompletedTask;

    public void Dispose()
    {
        _stopClaiming.Dispose();
        Metrics.Dispose();
        foreach (var queue in _queues.Values)
        {
            queue.Dispose();
        }
    }

    internal static InvalidOperationException ShutDownException()
        => new("The job queue is shut down: the host is stopping or has stopped, so no more jobs are accepted. Enqueue while the host runs.");

    private static void ReleaseSlot(LiveJob job, NamedQueue queue) => queue.GiveBackSlot(job);

    private void ThrowIfClosed()
    {
        if (_closed)
        {
            throw ShutDownException();
        }
    }

    private IEnumerable<Measurement<int>> QueueLengths()
    {
        foreach (var queue in _queues.Values)
        {
            yield return new Measurement<int>(queue.Count, new KeyValuePair<string, object?>("backgroundtasks.queue", queue.Name));
        }
    }
}
