using Microsoft.Extensions.Logging;

namespace BackgroundTasks;

/// <summary>Admission: a slot of the queue's capacity, the store's record, then a live job in its lane (or, on a durable store, in the store for the claim loops).</summary>
internal sealed partial class JobEngine
{
    private ValueTask<JobId> AcceptAsync(LiveJob job, NamedQueue queue, JobOptions? options, CancellationToken cancellationToken)
    {
        if (options?.UniqueKey is not null)
        {
            return IdOf(AcceptUniqueAsync(job, queue, options, cancellationToken));
        }

        ThrowIfClosed();
        if (options?.ContinueAfter is not null)
        {
            return ContinueAsync(job, queue, options, cancellationToken);
        }

        var dueAt = DueAt(options);
        if (Claimer is not null && dueAt is null && job.Arguments is not null && WorkersRunning && !cancellationToken.IsCancellationRequested && Claimer.TryTakeWorker(queue))
        {
            return AcceptClaimedAsync(job, queue, cancellationToken);
        }

        // The common case, without an async state machine: no delay, room in the queue, a store that answers at once.
        if (dueAt is null && !cancellationToken.IsCancellationRequested && (Claimer is not null || queue.TryReserve()))
        {
            job.HoldsSlot = Claimer is null;
            var add = RecordNewAsync(job, queue, dueAt, cancellationToken);
            if (add.IsCompletedSuccessfully)
            {
                Admit(job, queue, dueAt);
                return new ValueTask<JobId>(job.Id);
            }

            return AcceptRecordingAsync(add, job, queue, dueAt);
        }

        return AcceptSlowAsync(job, queue, dueAt, cancellationToken);
    }

    private async ValueTask<JobId> AcceptSlowAsync(LiveJob job, NamedQueue queue, DateTimeOffset? dueAt, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (dueAt is null && Claimer is null)
        {
            if (!queue.TryReserve())
            {
                if (queue.Options.FullMode == QueueFullMode.Reject)
                {
                    throw new JobQueueFullException(queue.Name, queue.Options.Capacity);
                }

                await queue.ReserveAsync(cancellationToken).ConfigureAwait(false);
            }

            job.HoldsSlot = true;
        }

        return await AcceptRecordingAsync(RecordNewAsync(job, queue, dueAt, cancellationToken), job, queue, dueAt).ConfigureAwait(false);
    }

    private async ValueTask<JobId> AcceptRecordingAsync(ValueTask<object?> add, LiveJob job, NamedQueue queue, DateTimeOffset? dueAt)
    {
        try
        {
            job.KeepStoreHandle(await add.ConfigureAwait(false));
        }
        catch
        {
            ReleaseSlot(job, queue);
            throw;
        }

        Admit(job, queue, dueAt);
        return job.Id;
    }

    private async Task AdmitWhenRecordedAsync(ValueTask<object?> add, LiveJob job, NamedQueue queue, DateTimeOffset? dueAt)
    {
        try
        {
            job.KeepStoreHandle(await add.ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            Logger.StoreFailed(ex, nameof(IJobStore.AddAsync), job.Id);
        }

        try
        {
            Admit(job, queue, dueAt);
        }
        catch (InvalidOperationException)
        {
            // Shut down meanwhile: the job is recorded cancelled.
        }
    }

    /// <summary>Starts recording a new job; a store that throws at once gives the job's slot back.</summary>
    private ValueTask<object?> RecordNewAsync(LiveJob job, NamedQueue queue, DateTimeOffset? dueAt, CancellationToken cancellationToken)
    {
        // A lambda on a durable store is live here before its row exists: this host's claim loop may take the
        // row the moment it is committed, and must find the code to run.
        var liveFirst = Claimer is not null && job.Arguments is null && _alive.TryAdd(job.Id, job);
        try
        {
            var add = Records.AddAsync(job.Id, job.Settings, job.Arguments, Time.GetUtcNow(), dueAt, cancellationToken);
            if (liveFirst)
            {
                return ForgetIfNotRecordedAsync(add, job);
            }

            if (add.IsCompletedSuccessfully)
            {
                job.KeepStoreHandle(add.Result);
            }

            return add;
        }
        catch
        {
            ReleaseSlot(job, queue);
            if (liveFirst)
            {
                _alive.Remove(job.Id, job);
            }

            throw;
        }
    }

    private async ValueTask<object?> ForgetIfNotRecordedAsync(ValueTask<object?> add, LiveJob job)
    {
        try
        {
            return await add.ConfigureAwait(false);
        }
        catch
        {
            _alive.Remove(job.Id, job);
            throw;
        }
    }

    /// <summary>Makes a recorded job live: it can be cancelled by id, and it waits in its lane or for its timer.</summary>
    /// <exception cref="InvalidOperationException">The queue closed meanwhile; the job is recorded cancelled.</exception>
    private void Admit(LiveJob job, NamedQueue queue, DateTimeOffset? dueAt)
    {
        // On a durable store a typed job lives in the store until some host claims it; a lambda stays here,
        // where its code is, and only this host claims it: it was made live before its row was written (it may
        // even have run by now).
        var local = Claimer is null || job.Arguments is null;
        if (Claimer is null)
        {
            _alive.TryAdd(job.Id, job);
        }

        if (_closed)
        {
            // The shutdown sweep may have run already: whoever ends the job records it.
            ReleaseSlot(job, queue);
            if (local && job.TryFinish())
            {
                _ = RecordTerminalAsync(job, JobStatus.Cancelled, ShutdownError(job), result: null, JobCancelReason.Shutdown).AsTask();
            }

            throw ShutDownException();
        }

        Logger.JobAccepted(job.Id, job.Settings.Name, queue.Name);
        Metrics.Enqueued(queue.Name);
        ObserveEnqueued(job, dueAt);
        if (Claimer is not null)
        {
            // The store is the queue: the claim loop takes the job from there, here or on another host.
            if (dueAt is { } dueLater)
            {
                Claimer.WakeAt(queue.Name, dueLater);
            }
            else
            {
                Claimer.Wake(queue.Name);
            }
        }
        else if (dueAt is { } due)
        {
            ScheduleAt(job, due);
        }
        else
        {
            queue.Push(job);
        }
    }
}
