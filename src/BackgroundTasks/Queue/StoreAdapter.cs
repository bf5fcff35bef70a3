using Microsoft.Extensions.Logging;

namespace BackgroundTasks;

/// <summary>
/// The one seam between the engine and the configured <see cref="IJobStore"/>. The engine records every
/// job through it, whatever the store; <see cref="For"/> picks the implementation once, at start-up. A
/// store hands back a handle for each job it adds (the in-memory store's entry, so that later changes
/// need no lookup; <see langword="null"/> for other stores), and the engine passes it with every change.
/// </summary>
internal abstract class StoreAdapter(IJobStore store)
{
    /// <summary>How many times a store write that throws is tried before the failure is logged and left.</summary>
    public const int WriteAttempts = 5;

    public IJobStore Store { get; } = store;

    /// <summary>Gets the handle of a job this host claimed from a durable store: it is Running there already, held by <see cref="DurableStoreAdapter.Owner"/>.</summary>
    public static object Claimed { get; } = new();

    /// <summary>Gets the durable store's seam, when the store is the queues' source of truth (jobs are claimed from it).</summary>
    public virtual DurableStoreAdapter? Durable => null;

    public static StoreAdapter For(IJobStore store, TimeProvider time, ILogger logger, string hostName) => store switch
    {
        InMemoryJobStore memory => new InMemoryStoreAdapter(memory, ReferenceEquals(memory.Clock, time)),
        IDurableJobStore durable => new DurableStoreAdapter(durable, logger, hostName),
        _ => new GenericStoreAdapter(store, logger),
    };

    /// <summary>Records a new job, Queued or (with a due time) Scheduled.</summary>
    /// <returns>The handle to pass with the job's later changes.</returns>
    public abstract ValueTask<object?> AddAsync(JobId id, JobSettings settings, string? arguments, DateTimeOffset enqueuedAt, DateTimeOffset? scheduledAt, CancellationToken cancellationToken);

    /// <summary>Records a new job that has a unique key (in its settings), unless another job holds the key.</summary>
    /// <returns>The handle of the new job and its id; or no handle and the id of the job that holds the key.</returns>
    public abstract ValueTask<(object? Handle, JobId Holder)> AddUniqueAsync(JobId id, JobSettings settings, string? arguments, DateTimeOffset enqueuedAt, DateTimeOffset? scheduledAt, DateTimeOffset? finishedSince, CancellationToken cancellationToken);

    /// <summary>Records a change; a store that throws is tried again (<see cref="WriteAttempts"/> in all) before the exception escapes.</summary>
    public abstract ValueTask<bool> TransitionAsync(JobId id, object? handle, JobTransition transition);

    public abstract ValueTask<bool> ReportProgressAsync(JobId id, object? handle, JobProgress progress);

    /// <summary>Makes where the engine keeps its live jobs (chosen once, at start-up).</summary>
    public virtual LiveJobs CreateLiveJobs(object engine) => new LiveJobs.Table();

    /// <summary>The seam to a durable store: jobs are recorded with their owner when only this host can run them, and the outcome of a claimed attempt is an owner-checked write.</summary>
    internal sealed class DurableStoreAdapter(IDurableJobStore store, ILogger logger, string hostName) : GenericStoreAdapter(store, logger)
    {
        public IDurableJobStore DurableStore { get; } = store;

        /// <summary>Gets this process's owner name: the host's name and an instance id of its own.</summary>
        public string Owner { get; } = $"{hostName}/{Guid.NewGuid():N}";

        public string HostName { get; } = hostName;

        public override DurableStoreAdapter Durable => this;

        /// <summary>Records a new typed job already claimed by this host: its record as claimed (Running at attempt 1), or <see langword="null"/> when the store recorded it Queued instead.</summary>
        public async ValueTask<JobRecord?> AddClaimedAsync(JobId id, JobSettings settings, string arguments, DateTimeOffset now, CancellationToken cancellationToken)
        {
            var record = NewRecord(id, settings, arguments, now, scheduledAt: null);
            return await DurableStore.AddClaimedAsync(record, Owner, now, cancellationToken).ConfigureAwait(false)
                ? record with { Status = JobStatus.Running, Attempt = 1, StartedAt = now }
                : null;
        }

        // A lambda job's code lives in this process alone: only this host may claim it.
        protected override ValueTask AddRecordAsync(JobRecord record, CancellationToken cancellationToken)
            => DurableStore.AddAsync(record, record.Arguments is null ? Owner : null, cancellationToken);

        protected override ValueTask<JobId> AddUniqueRecordAsync(JobRecord record, DateTimeOffset? finishedSince, CancellationToken cancellationToken)
            => DurableStore.AddUniqueAsync(record, record.Arguments is null ? Owner : null, finishedSince, cancellationToken);

        protected override ValueTask<bool> WriteAsync(JobId id, object? handle, JobTransition transition)
        {
            if (!ReferenceEquals(handle, Claimed))
            {
                return Store.TransitionAsync(id, transition);
            }

            // The claim made the job Running already; its outcome is written only while this host still holds it.
            return transition.Status == JobStatus.Running ? new ValueTask<bool>(true) : DurableStore.TransitionAsync(id, transition, Owner);
        }
    }

    private sealed class InMemoryStoreAdapter(InMemoryJobStore memory, bool sharesClock) : StoreAdapter(memory)
    {
        public override ValueTask<object?> AddAsync(JobId id, JobSettings settings, string? arguments, DateTimeOffset enqueuedAt, DateTimeOffset? scheduledAt, CancellationToken cancellationToken)
            => new(memory.Add(id, settings, arguments, scheduledAt is null ? JobStatus.Queued : JobStatus.Scheduled, enqueuedAt.UtcTicks, scheduledAt?.UtcTicks ?? 0));

        public override ValueTask<(object? Handle, JobId Holder)> AddUniqueAsync(JobId id, JobSettings settings, string? arguments, DateTimeOffset enqueuedAt, DateTimeOffset? scheduledAt, DateTimeOffset? finishedSince, CancellationToken cancellationToken)
            => new(memory.AddUnique(id, settings, arguments, scheduledAt is null ? JobStatus.Queued : JobStatus.Scheduled, enqueuedAt.UtcTicks, scheduledAt?.UtcTicks ?? 0, finishedSince));

        public override ValueTask<bool> TransitionAsync(JobId id, object? handle, JobTransition transition)
            => new(memory.Transition((InMemoryEntry)handle!, transition, sharesClock));

        public override ValueTask<bool> ReportProgressAsync(JobId id, object? handle, JobProgress progress)
            => new(((InMemoryEntry)handle!).TrySetProgress(progress));

        public override LiveJobs CreateLiveJobs(object engine)
            => memory.TryTakeLiveSlots(engine) ? new LiveJobs.OnEntries(memory) : new LiveJobs.Table();
    }

    internal class GenericStoreAdapter(IJobStore store, ILogger logger) : StoreAdapter(store)
    {
        public override async ValueTask<object?> AddAsync(JobId id, JobSettings settings, string? arguments, DateTimeOffset enqueuedAt, DateTimeOffset? scheduledAt, CancellationToken cancellationToken)
        {
            await AddRecordAsync(NewRecord(id, settings, arguments, enqueuedAt, scheduledAt), cancellationToken).ConfigureAwait(false);
            return null;
        }

        public override async ValueTask<(object? Handle, JobId Holder)> AddUniqueAsync(JobId id, JobSettings settings, string? arguments, DateTimeOffset enqueuedAt, DateTimeOffset? scheduledAt, DateTimeOffset? finishedSince, CancellationToken cancellationToken)
            => (null, await AddUniqueRecordAsync(NewRecord(id, settings, arguments, enqueuedAt, scheduledAt), finishedSince, cancellationToken).ConfigureAwait(false));

        protected static JobRecord NewRecord(JobId id, JobSettings settings, string? arguments, DateTimeOffset enqueuedAt, DateTimeOffset? scheduledAt)
            => new JobRecord
            {
                Id = id,
                Name = settings.Name,
                Queue = settings.Queue,
                Priority = settings.Priority,
                MaxAttempts = settings.MaxAttempts,
                ParentId = settings.ParentId,
                Arguments = arguments,
                Status = scheduledAt is null ? JobStatus.Queued : JobStatus.Scheduled,
                EnqueuedAt = enqueuedAt,
                ScheduledAt = scheduledAt,
                TraceParent = settings.TraceParent,
                TraceState = settings.TraceState,
                UniqueKey = settings.UniqueKey,
                ContinueAfter = settings.ContinueAfter,
                ContinueWhen = settings.ContinueWhen,
                Timeout = settings.RecordedTimeout,
                Backoff = settings.RecordedBackoff,
            };

        public override ValueTask<bool> TransitionAsync(JobId id, object? handle, JobTransition transition)
        {
            try
            {
                var write = WriteAsync(id, handle, transition);
                if (write.IsCompletedSuccessfully)
                {
                    return write;
                }

                return RetryAsync(write, id, handle, transition, attempt: 1);
            }
            catch (Exception ex)
            {
                logger.StoreWriteRetried(ex, nameof(IJobStore.TransitionAsync), id, 1);
                return RetryAsync(default, id, handle, transition, attempt: 2);
            }
        }

        /// <summary>Records a new job.</summary>
        protected virtual ValueTask AddRecordAsync(JobRecord record, CancellationToken cancellationToken) => Store.AddAsync(record, cancellationToken);

        /// <summary>Records a new job with a unique key, unless another job holds the key.</summary>
        protected virtual ValueTask<JobId> AddUniqueRecordAsync(JobRecord record, DateTimeOffset? finishedSince, CancellationToken cancellationToken)
            => Store.AddUniqueAsync(record, finishedSince, cancellationToken);

        /// <summary>Writes a transition once.</summary>
        protected virtual ValueTask<bool> WriteAsync(JobId id, object? handle, JobTransition transition) => Store.TransitionAsync(id, transition);

        public override ValueTask<bool> ReportProgressAsync(JobId id, object? handle, JobProgress progress)
            => Store.ReportProgressAsync(id, progress);

        private async ValueTask<bool> RetryAsync(ValueTask<bool> pending, JobId id, object? handle, JobTransition transition, int attempt)
        {
            for (; ; attempt++)
            {
                try
                {
                    return attempt == 1 ? await pending.ConfigureAwait(false) : await WriteAsync(id, handle, transition).ConfigureAwait(false);
                }
                catch (Exception ex) when (attempt < WriteAttempts)
                {
                    logger.StoreWriteRetried(ex, nameof(IJobStore.TransitionAsync), id, attempt);
                }
            }
        }
    }
}
