using Microsoft.Extensions.Logging;

namespace BackgroundTasks;

/// <summary>Delayed jobs, retries, terminal statuses and the shutdown sweep.</summary>
internal sealed partial class JobQueue
{
    /// <summary>Records a job's terminal status, forgets it, and wakes whoever waits for it. The caller must have ended the item.</summary>
    public async ValueTask RecordTerminalAsync(JobWorkItem item, JobStatus status, JobError? error, object? result)
    {
        try
        {
            var change = new JobTransition(status, item.Attempt, Time.GetUtcNow(), Error: error, Result: result);
            if (!await TransitionAsync(item, change).ConfigureAwait(false))
            {
                Logger.TransitionRefused(item.Id, status);
            }
        }
        catch (Exception ex)
        {
            Logger.StoreFailed(ex, nameof(IJobStore.TransitionAsync), item.Id);
        }
        finally
        {
            _alive.Remove(item);
            Metrics.Finished(item.Queue.Name, status);
            item.SignalFinished();
        }
    }

    /// <summary>Records a store transition that is not terminal; a failing store is logged, never thrown.</summary>
    public async ValueTask RecordAsync(JobWorkItem item, JobTransition change)
    {
        try
        {
            if (!await TransitionAsync(item, change).ConfigureAwait(false))
            {
                Logger.TransitionRefused(item.Id, change.Status);
            }
        }
        catch (Exception ex)
        {
            Logger.StoreFailed(ex, nameof(IJobStore.TransitionAsync), item.Id);
        }

        item.SignalChanged();
    }

    /// <summary>How many times a store write that throws is tried before the failure is logged and left.</summary>
    internal const int StoreWriteAttempts = 5;

    /// <summary>Writes a transition, trying again at once when the store throws: a lost write would leave the store behind the job.</summary>
    private ValueTask<bool> TransitionAsync(JobWorkItem item, JobTransition change)
        => _memory is not null ? new ValueTask<bool>(ApplyInMemory(_memory, item, change)) : TransitionInStoreAsync(item.Id, change);

    /// <summary>The in-memory store's path: the item is the job's entry, so no lookup.</summary>
    private bool ApplyInMemory(InMemoryJobStore memory, JobWorkItem item, in JobTransition change)
    {
        using (item.Guard())
        {
            if (!item.TryApplyLocked(change))
            {
                return false;
            }
        }

        if (change.Status.IsTerminal())
        {
            Retire(memory, item, change.Timestamp.UtcTicks);
        }

        return true;
    }

    /// <summary>
    /// A transition that somebody wrote through the in-memory store for a job this engine still runs: applied
    /// under the job's gate, and a terminal one ends a waiting job here as a cancellation by id would (it
    /// never runs; waiters wake). A running job keeps running; its worker's own terminal status is refused.
    /// </summary>
    internal bool ApplyFromStore(InMemoryJobStore memory, JobWorkItem item, in JobTransition change)
    {
        var (applied, ended) = item.ApplyFromStore(change);
        if (!applied)
        {
            return false;
        }

        if (change.Status.IsTerminal())
        {
            // Aged by the store's own clock, whatever clock stamped the transition.
            memory.Retire(item, memory.Clock.GetUtcNow().UtcTicks);
            if (ended)
            {
                // Its lane entry stays; the worker that takes it skips it and gives its slot back.
                Metrics.Finished(item.Queue.Name, change.Status);
                item.SignalFinished();
                return true;
            }
        }

        item.SignalChanged();
        return true;
    }

    /// <summary>Hands a job whose terminal status is recorded to the in-memory store's retention.</summary>
    internal void Retire(InMemoryJobStore memory, JobWorkItem item, long now)
        => memory.Retire(item, _storeSharesClock ? now : memory.Clock.GetUtcNow().UtcTicks);

    /// <summary>The same from a worker, which hands its finished jobs over in batches.</summary>
    internal void Retire(InMemoryJobStore memory, JobWorkItem item, long now, WorkerState worker)
    {
        if (_storeSharesClock)
        {
            worker.Retire(memory, item, now);
        }
        else
        {
            Retire(memory, item, now);
        }
    }

    private async ValueTask<bool> TransitionInStoreAsync(JobId id, JobTransition change)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await Store.TransitionAsync(id, change).ConfigureAwait(false);
            }
            catch (Exception ex) when (attempt < StoreWriteAttempts)
            {
                Logger.StoreWriteRetried(ex, nameof(IJobStore.TransitionAsync), id, attempt);
            }
        }
    }

    /// <summary>Puts a job that failed an attempt back, after its back-off delay.</summary>
    public async ValueTask ScheduleRetryAsync(JobWorkItem item, JobError error)
    {
        var delay = item.Backoff.GetDelay(item.Attempt, Random.Shared.NextDouble());
        var dueAt = Time.GetUtcNow() + delay;
        Logger.JobRetrying(item.Id, item.Attempt, delay);
        Metrics.Retried(item.Queue.Name);
        await RecordAsync(item, new JobTransition(JobStatus.Retrying, item.Attempt, Time.GetUtcNow(), ScheduledAt: dueAt, Error: error)).ConfigureAwait(false);
        if (!item.TryReturnToWaiting())
        {
            // Cancelled by id or by shutdown while its failure was being recorded.
            if (item.TryFinish())
            {
                await RecordTerminalAsync(item, JobStatus.Cancelled, error, result: null).ConfigureAwait(false);
            }

            return;
        }

        if (delay <= TimeSpan.Zero)
        {
            await PromoteAsync(item).ConfigureAwait(false);
        }
        else
        {
            ScheduleAt(item, dueAt);
        }
    }

    /// <summary>
    /// Ends every job that is still alive once the workers have stopped (or were given up on): queued, delayed
    /// and retrying jobs, and jobs that ignored their cancellation past the host's shutdown timeout.
    /// </summary>
    public async Task SweepAsync()
    {
        foreach (var queue in _queues.Values)
        {
            queue.TakeAll();
        }

        foreach (var item in _alive.All())
        {
            var running = item.IsRunning;
            if (item.TryFinish())
            {
                var error = running
                    ? new JobError(typeof(OperationCanceledException).FullName!, "The job was still running when the host's shutdown timeout ended; it was left behind.", null)
                    : ShutdownError(item.Attempt);
                await RecordTerminalAsync(item, JobStatus.Cancelled, error, result: null).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Fires the tokens of every running job.</summary>
    public void CancelRunning(JobCancelReason reason)
    {
        foreach (var item in _alive.All())
        {
            item.CancelRunning(reason);
        }
    }

    internal static JobError ShutdownError(int attempts = 0) => new(
        typeof(OperationCanceledException).FullName!,
        attempts == 0
            ? "The host stopped before the job ran."
            : $"The host stopped while the job waited to retry, after attempt {attempts} of it had failed.",
        null);

    private void ScheduleAt(JobWorkItem item, DateTimeOffset dueAt)
    {
        var delay = dueAt - Time.GetUtcNow();
        if (delay <= TimeSpan.Zero)
        {
            _ = PromoteAsync(item).AsTask();
            return;
        }

        item.Timer?.Dispose();
        item.Timer = Time.CreateTimer(
            static state =>
            {
                var (queue, job) = ((JobQueue, JobWorkItem))state!;
                _ = queue.PromoteAsync(job).AsTask();
            },
            (this, item),
            delay,
            Timeout.InfiniteTimeSpan);
    }

    /// <summary>Moves a due delayed or retrying job into its queue's lane.</summary>
    private async ValueTask PromoteAsync(JobWorkItem item)
    {
        if (_closed || item.IsFinished)
        {
            // The shutdown sweep (or a cancellation) ends it.
            return;
        }

        await RecordAsync(item, new JobTransition(JobStatus.Queued, item.Attempt, Time.GetUtcNow())).ConfigureAwait(false);
        if (!_closed && !item.IsFinished)
        {
            item.Queue.Push(item);
        }
    }
}
