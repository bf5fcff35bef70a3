using Microsoft.Extensions.Logging;

namespace BackgroundTasks;

/// <summary>Changes after admission: cancellation, delays and retries, terminal statuses.</summary>
internal sealed partial class JobEngine
{
    /// <summary>Cancels a job by id: a waiting job is recorded cancelled at once, a running job's token fires.</summary>
    /// <returns><see langword="true"/> when the job was waiting or running; <see langword="false"/> when it had finished.</returns>
    /// <exception cref="KeyNotFoundException">Neither this process nor the store knows the job.</exception>
    public async ValueTask<bool> CancelAsync(JobId id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_alive.TryGet(id, out var job))
        {
            // A job moves from waiting to running at most once between two tries.
            while (!job.IsFinished)
            {
                if (job.CancelRunning(JobCancelReason.Requested))
                {
                    Logger.CancelRequested(id, running: true);
                    return true;
                }

                if (job.TryCancelWaiting())
                {
                    Logger.CancelRequested(id, running: false);
                    job.Timer?.Dispose();
                    await RecordTerminalAsync(job, JobStatus.Cancelled, error: null, result: null, JobCancelReason.Requested).ConfigureAwait(false);
                    return true;
                }
            }

            // It is finishing: its terminal status is on its way.
            return false;
        }

        var record = await Records.Store.GetAsync(id, cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException($"Job {id} is unknown: it was never enqueued here, or the store no longer keeps it.");
        if (Claimer is null || record.Status.IsTerminal())
        {
            return false;
        }

        // A durable job waiting in the store, or run by another host: the store records the cancellation (a host
        // running it hears of it from the store's notification, or sees its claim gone at its next heartbeat, and its token fires).
        var change = new JobTransition(JobStatus.Cancelled, record.Attempt, Time.GetUtcNow(), CancelReason: JobCancelReason.Requested);
        if (!await Records.TransitionAsync(id, handle: null, change).ConfigureAwait(false))
        {
            return false;
        }

        Observe(record, change);

        // The store settled its continuations with it: follow those enqueued here.
        ReleaseContinuations(id, JobStatus.Cancelled);
        return true;
    }

    /// <summary>Records a job's terminal status, forgets it, and wakes whoever waits for it. The caller must have finished the job (<see cref="LiveJob.TryFinish"/>).</summary>
    public ValueTask RecordTerminalAsync(LiveJob job, JobStatus status, JobError? error, object? result, JobCancelReason reason = JobCancelReason.None)
    {
        // On a durable store a job cancelled while it waited may be claimed meanwhile: its handle and attempt
        // are read together, or the owner check would refuse the claim's handle paired with the attempt before.
        var (handle, attempt) = Claimer is null ? (job.StoreHandle, job.Attempt) : job.StoreState();
        var change = new JobTransition(status, attempt, Time.GetUtcNow(), Error: error, Result: result, CancelReason: reason);
        ValueTask<bool> write;
        try
        {
            write = Records.TransitionAsync(job.Id, handle, change);
        }
        catch (Exception ex)
        {
            Logger.StoreFailed(ex, nameof(IJobStore.TransitionAsync), job.Id);
            EndRecorded(job, change, applied: true);
            return default;
        }

        // A store that answers at once (the in-memory one) ends the job without an async state machine.
        if (write.IsCompletedSuccessfully)
        {
            EndRecorded(job, change, write.Result);
            return default;
        }

        return EndWhenRecordedAsync(write, job, change);
    }

    private async ValueTask EndWhenRecordedAsync(ValueTask<bool> write, LiveJob job, JobTransition change)
    {
        var applied = true;
        try
        {
            applied = await write.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Logger.StoreFailed(ex, nameof(IJobStore.TransitionAsync), job.Id);
        }

        EndRecorded(job, change, applied);
    }

    /// <summary>Ends a job once its terminal status is written (or the store failed, which is logged): observers hear of it, then the job is forgotten.</summary>
    private void EndRecorded(LiveJob job, in JobTransition change, bool applied)
    {
        try
        {
            if (applied)
            {
                // Before the waiters wake: whoever waits for the job finds what the observers did.
                Observe(job, change);
            }
            else
            {
                Logger.TransitionRefused(job.Id, change.Status);
            }
        }
        finally
        {
            Forget(job, change.Status);
        }
    }

    /// <summary>Ends a job whose terminal status is recorded (or was written by someone else): no longer alive, waiters wake.</summary>
    public void Forget(LiveJob job, JobStatus status)
    {
        // Counted before the job leaves the live jobs: whoever then finds it gone and reads its record finds it counted.
        Metrics.Finished(job.Settings.Queue, status);
        _alive.Remove(job.Id, job);
        job.SignalFinished();
        ReleaseContinuations(job.Id, status, leftAlive: true);
    }

    /// <summary>Records a change that is not terminal; a failing store is logged, never thrown.</summary>
    /// <returns>Whether the store applied it.</returns>
    public ValueTask<bool> RecordAsync(LiveJob job, JobTransition change) => RecordAsync(job, job.StoreHandle, change);

    /// <summary>The same, with the store handle the change belongs to.</summary>
    private ValueTask<bool> RecordAsync(LiveJob job, object? handle, JobTransition change)
    {
        ValueTask<bool> write;
        try
        {
            write = Records.TransitionAsync(job.Id, handle, change);
        }
        catch (Exception ex)
        {
            Logger.StoreFailed(ex, nameof(IJobStore.TransitionAsync), job.Id);
            return new ValueTask<bool>(Recorded(job, change, applied: true));
        }

        // A store that answers at once (the in-memory one) records the change without an async state machine.
        return write.IsCompletedSuccessfully ? new ValueTask<bool>(Recorded(job, change, write.Result)) : RecordedWhenWrittenAsync(write, job, change);
    }

    private async ValueTask<bool> RecordedWhenWrittenAsync(ValueTask<bool> write, LiveJob job, JobTransition change)
    {
        bool applied;
        try
        {
            applied = await write.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Logger.StoreFailed(ex, nameof(IJobStore.TransitionAsync), job.Id);
            applied = true;
        }

        return Recorded(job, change, applied);
    }

    /// <summary>Follows a written change: observers hear of it, watchers wake. A failed write counts as applied (it was logged).</summary>
    private bool Recorded(LiveJob job, in JobTransition change, bool applied)
    {
        if (applied)
        {
            Observe(job, change);
        }
        else
        {
            Logger.TransitionRefused(job.Id, change.Status);
        }

        job.SignalChanged();
        return applied;
    }

    /// <summary>
    /// Records a failed attempt that has attempts left as Retrying, and queues it again after its back-off.
    /// Once the host is stopping, the job stays Retrying for the shutdown sweep (which records it cancelled).
    /// </summary>
    public async ValueTask ScheduleRetryAsync(LiveJob job, JobError error)
    {
        var delay = job.Settings.Backoff.GetDelay(job.Attempt, Random.Shared.NextDouble());
        var now = Time.GetUtcNow();
        var change = new JobTransition(JobStatus.Retrying, job.Attempt, now, ScheduledAt: now + delay, Error: error);
        Logger.JobRetrying(job.Id, job.Attempt, delay);
        Metrics.Retried(job.Settings.Queue);

        // The claim on a durable store ends with this write, and the job may be claimed again the moment it is
        // committed: the job must be ready for that before the write, not after.
        var handle = job.StoreHandle;
        if (job.IsClaimed)
        {
            job.StoreHandle = null;
        }

        if (Claimer is not null && job.Arguments is not null)
        {
            // A typed job waits in the durable store for whichever host is free when it is due (this one too).
            Release(job);
            await RecordAsync(job, handle, change).ConfigureAwait(false);
            Claimer.WakeAt(job.Settings.Queue, now + delay);
            return;
        }

        if (!job.TryReturnToWaiting())
        {
            // Cancelled by id while the attempt's failure was being handled.
            job.StoreHandle = handle;
            if (job.TryFinish())
            {
                await RecordTerminalAsync(job, JobStatus.Cancelled, error, result: null, job.CancelReason).ConfigureAwait(false);
            }

            return;
        }

        await RecordAsync(job, handle, change).ConfigureAwait(false);
        if (!_closed)
        {
            // Once the host is stopping the job stays Retrying for the shutdown sweep.
            ScheduleAt(job, now + delay);
        }
    }

    private void ScheduleAt(LiveJob job, DateTimeOffset dueAt)
    {
        if (Claimer is not null)
        {
            // The durable store keeps the due time; the claim loop looks again by then.
            Claimer.WakeAt(job.Settings.Queue, dueAt);
            return;
        }

        var delay = dueAt - Time.GetUtcNow();
        if (delay <= TimeSpan.Zero)
        {
            _ = PromoteAsync(job).AsTask();
            return;
        }

        job.Timer?.Dispose();
        job.Timer = Time.CreateTimer(
            static state =>
            {
                var (engine, job) = ((JobEngine, LiveJob))state!;
                _ = engine.PromoteAsync(job).AsTask();
            },
            (this, job),
            delay,
            Timeout.InfiniteTimeSpan);
    }

    /// <summary>Moves a due delayed or retrying job into its queue's lane.</summary>
    private async ValueTask PromoteAsync(LiveJob job)
    {
        if (_closed || job.IsFinished)
        {
            // The shutdown sweep (or a cancellation) ends it.
            return;
        }

        await RecordAsync(job, new JobTransition(JobStatus.Queued, job.Attempt, Time.GetUtcNow())).ConfigureAwait(false);
        if (!_closed && !job.IsFinished)
        {
            QueueOf(job).Push(job);
        }
    }
}
