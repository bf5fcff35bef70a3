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

    public static StoreAdapter For(IJobStore store, TimeProvider time, ILogger logger)
        => store is InMemoryJobStore memory ? new InMemoryStoreAdapter(memory, ReferenceEquals(memory.Clock, time)) : new GenericStoreAdapter(store, logger);

    /// <summary>Records a new job, Queued or (with a due time) Scheduled.</summary>
    /// <returns>The handle to pass with the job's later changes.</returns>
    public abstract ValueTask<object?> AddAsync(JobId id, JobSettings settings, string? arguments, DateTimeOffset enqueuedAt, DateTimeOffset? scheduledAt, CancellationToken cancellationToken);

    /// <summary>Records a change; a store that throws is tried again (<see cref="WriteAttempts"/> in all) before the exception escapes.</summary>
    public abstract ValueTask<bool> TransitionAsync(JobId id, object? handle, JobTransition transition);

    public abstract ValueTask<bool> ReportProgressAsync(JobId id, object? handle, JobProgress progress);

    private sealed class InMemoryStoreAdapter(InMemoryJobStore memory, bool sharesClock) : StoreAdapter(memory)
    {
        public override ValueTask<object?> AddAsync(JobId id, JobSettings settings, string? arguments, DateTimeOffset enqueuedAt, DateTimeOffset? scheduledAt, CancellationToken cancellationToken)
            => new(memory.Add(id, settings, arguments, scheduledAt is null ? JobStatus.Queued : JobStatus.Scheduled, enqueuedAt.UtcTicks, scheduledAt?.UtcTicks ?? 0));

        public override ValueTask<bool> TransitionAsync(JobId id, object? handle, JobTransition transition)
            => new(memory.Transition((InMemoryEntry)handle!, transition, sharesClock));

        public override ValueTask<bool> ReportProgressAsync(JobId id, object? handle, JobProgress progress)
            => new(((InMemoryEntry)handle!).TrySetProgress(progress));
    }

    private sealed class GenericStoreAdapter(IJobStore store, ILogger logger) : StoreAdapter(store)
    {
        public override async ValueTask<object?> AddAsync(JobId id, JobSettings settings, string? arguments, DateTimeOffset enqueuedAt, DateTimeOffset? scheduledAt, CancellationToken cancellationToken)
        {
            await Store.AddAsync(
                new JobRecord
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
                },
                cancellationToken).ConfigureAwait(false);
            return null;
        }

        public override ValueTask<bool> TransitionAsync(JobId id, object? handle, JobTransition transition)
        {
            try
            {
                var write = Store.TransitionAsync(id, transition);
                if (write.IsCompletedSuccessfully)
                {
                    return write;
                }

                return RetryAsync(write, id, transition, attempt: 1);
            }
            catch (Exception ex)
            {
                logger.StoreWriteRetried(ex, nameof(IJobStore.TransitionAsync), id, 1);
                return RetryAsync(default, id, transition, attempt: 2);
            }
        }

        public override ValueTask<bool> ReportProgressAsync(JobId id, object? handle, JobProgress progress)
            => Store.ReportProgressAsync(id, progress);

        private async ValueTask<bool> RetryAsync(ValueTask<bool> pending, JobId id, JobTransition transition, int attempt)
        {
            for (; ; attempt++)
            {
                try
                {
                    return attempt == 1 ? await pending.ConfigureAwait(false) : await Store.TransitionAsync(id, transition).ConfigureAwait(false);
                }
                catch (Exception ex) when (attempt < WriteAttempts)
                {
                    logger.StoreWriteRetried(ex, nameof(IJobStore.TransitionAsync), id, attempt);
                }
            }
        }
    }
}
