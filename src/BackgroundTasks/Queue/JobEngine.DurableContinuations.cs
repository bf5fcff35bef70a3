using Microsoft.Extensions.Logging;

namespace BackgroundTasks;

/// <summary>
/// Continuations on a durable store (<see cref="IDurableJobStore"/>): the store keeps the link and settles a waiting
/// continuation, queued or cancelled, in the same step that records the end of the job it continues, on whichever host
/// that job ends (and at once when that job had ended before). This engine only follows what the store did: it wakes
/// the claim loop for a continuation the store queued, and ends here a lambda continuation (whose code lives here) that
/// the store cancelled. It follows an end recorded here at once, and an end recorded elsewhere at its heartbeat.
/// </summary>
internal sealed partial class JobEngine
{
    private async ValueTask<JobId> ContinueDurableAsync(LiveJob job, NamedQueue queue, JobOptions options, CancellationToken cancellationToken)
    {
        var parentId = options.ContinueAfter!.Value;
        var when = options.ContinueWhen;
        var parentEnded = false;
        if (!_alive.TryGet(parentId, out _))
        {
            var parent = await Records.Store.GetAsync(parentId, cancellationToken).ConfigureAwait(false)
                ?? throw new ArgumentException($"JobOptions.ContinueAfter is {parentId}, which is unknown: it was never enqueued, or the store no longer keeps it.", nameof(options));
            parentEnded = parent.Status.IsTerminal();
        }

        // Followed before its row exists: the job continued may end here the moment the row is committed.
        if (!parentEnded)
        {
            Follow(parentId, job, when);
        }

        try
        {
            job.KeepStoreHandle(await RecordNewAsync(job, queue, WaitsForParent, cancellationToken).ConfigureAwait(false));
        }
        catch
        {
            Unfollow(parentId, job);
            throw;
        }

        if (IsClosed)
        {
            // A typed continuation waits in the store for the next host; a lambda ends with this one.
            if (job.Arguments is null && job.TryFinish())
            {
                await RecordTerminalAsync(job, JobStatus.Cancelled, ShutdownError(job), result: null, JobCancelReason.Shutdown).ConfigureAwait(false);
            }

            throw ShutDownException();
        }

        Logger.JobAccepted(job.Id, job.Settings.Name, job.Settings.Queue);
        Metrics.Enqueued(job.Settings.Queue);
        ObserveEnqueued(job, WaitsForParent);

        // The store decided at once if the job continued had ended, even since it was read above (then it is followed already).
        // When it had ended before the add, the add's step decided, on this host: its observers hear of it here.
        if (await FollowAsync(job, observe: parentEnded).ConfigureAwait(false) && parentEnded)
        {
            Follow(parentId, job, when);
        }

        return job.Id;
    }

    /// <summary>At the heartbeat: follows the continuations whose job continued ended on another host, or was recovered.</summary>
    public async Task FollowEndsElsewhereAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _continuationCount) == 0)
        {
            return;
        }

        List<JobId> parents;
        lock (_continuationsGate)
        {
            parents = [.. _continuations.Keys];
        }

        foreach (var parentId in parents)
        {
            if (_alive.TryGet(parentId, out _))
            {
                // It ends here, and is followed then.
                continue;
            }

            var parent = await Records.Store.GetAsync(parentId, cancellationToken).ConfigureAwait(false);
            if (parent is null || parent.Status.IsTerminal())
            {
                ReleaseContinuations(parentId, parent?.Status ?? JobStatus.Cancelled);
            }
        }
    }

    /// <summary>Follows continuations whose job continued has ended; those the store has not settled yet are followed again.</summary>
    private async ValueTask FollowStoreAsync(List<(LiveJob Job, JobContinuation When)> waiting)
    {
        foreach (var (job, when) in waiting)
        {
            if (await FollowAsync(job).ConfigureAwait(false))
            {
                // The end was not recorded (a failed write): the heartbeat looks again.
                Follow(job.Settings.ContinueAfter!.Value, job, when);
            }
        }
    }

    /// <summary>Reads a continuation's record and acts on what the store did: wakes the claim loop for it, or ends it here.</summary>
    /// <param name="job">The continuation.</param>
    /// <param name="observe">
    /// Whether this host's observers hear of what the store did: only when this host's own add decided it. A settling by
    /// the end of the job continued is heard on the host that wrote that end (<see cref="ObserveStoreDecided"/>).
    /// </param>
    /// <returns><see langword="true"/> when it still waits for the job it continues.</returns>
    private async ValueTask<bool> FollowAsync(LiveJob job, bool observe = false)
    {
        JobRecord? record;
        try
        {
            record = await Records.Store.GetAsync(job.Id, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Logger.StoreFailed(ex, nameof(IJobStore.GetAsync), job.Id);
            return true;
        }

        switch (record?.Status)
        {
            case null:
                // Not committed yet (its enqueue follows it once it is), or deleted after it ended.
                return false;
            case JobStatus.Scheduled:
                return true;
            case { } status when !status.IsTerminal():
                if (observe)
                {
                    Observe(job, new JobTransition(status, record.Attempt, Time.GetUtcNow()));
                }

                Claimer!.Wake(record.Queue);
                return false;
        }

        if (job.TryFinish())
        {
            // Cancelled by the store (a lambda continuation lived here until now): waiters wake.
            if (observe)
            {
                Observe(job, new JobTransition(record.Status, record.Attempt, record.FinishedAt ?? Time.GetUtcNow(), Error: record.Error, CancelReason: record.CancelReason));
            }

            Forget(job, record.Status);
        }

        return false;
    }

    private void Follow(JobId parentId, LiveJob job, JobContinuation when)
    {
        lock (_continuationsGate)
        {
            // Each continuation is followed once at a time: whoever takes a parent's list (its end here, or the heartbeat) follows it again.
            if (!_continuations.TryGetValue(parentId, out var waiting))
            {
                _continuations[parentId] = waiting = [];
            }

            waiting.Add((job, when));
            Interlocked.Increment(ref _continuationCount);
        }
    }

    private void Unfollow(JobId parentId, LiveJob job)
    {
        lock (_continuationsGate)
        {
            if (_continuations.TryGetValue(parentId, out var waiting) && waiting.RemoveAll(w => ReferenceEquals(w.Job, job)) > 0)
            {
                Interlocked.Decrement(ref _continuationCount);
                if (waiting.Count == 0)
                {
                    _continuations.Remove(parentId);
                }
            }
        }
    }
}
