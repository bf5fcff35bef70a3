using Microsoft.Extensions.Logging;

namespace BackgroundTasks;

/// <summary>Jobs claimed from a durable store (<see cref="IDurableJobStore"/>): admitted to a lane, given back at shutdown, dropped when their claim is lost.</summary>
internal sealed partial class JobEngine
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Task, byte> _outcomes = new();

    /// <summary>Puts a job this host claimed into its lane: the live job enqueued here, or one made from the record (a typed job from another host, or recovered).</summary>
    public async ValueTask AdmitClaimedAsync(NamedQueue queue, JobRecord record)
    {
        if (!_alive.TryGet(record.Id, out var job))
        {
            if (record.Arguments is null || record.Name is null || !_registry.TryGet(record.Name, out var registration))
            {
                await FailUnrunnableAsync(queue, record).ConfigureAwait(false);
                return;
            }

            var settings = new JobSettings(queue.Name, registration.Name, record.Priority, record.MaxAttempts, record.ParentId, record.Timeout ?? queue.Options.Timeout, record.Backoff ?? queue.Options.Backoff, record.TraceParent, record.TraceState, record.UniqueKey, record.ContinueAfter, record.ContinueWhen);
            job = new TypedJob(record.Id, settings, registration, record.Arguments);
            if (!_alive.TryAdd(job.Id, job))
            {
                _alive.TryGet(job.Id, out job);
            }
        }

        job!.PrepareClaimed(record.Attempt);
        queue.Push(job);
    }

    /// <summary>Keeps an outcome write that a worker did not wait for, so that shutdown can wait for it.</summary>
    public void TrackOutcome(Task recording)
    {
        _outcomes.TryAdd(recording, 0);
        _ = recording.ContinueWith(static (done, state) => ((System.Collections.Concurrent.ConcurrentDictionary<Task, byte>)state!).TryRemove(done, out _), _outcomes, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Waits for the outcome writes no worker waited for (at shutdown, before the sweep).</summary>
    public Task WhenOutcomesRecordedAsync() => Task.WhenAll(_outcomes.Keys);

    /// <summary>Lists the claimed jobs running now, with their attempts: the jobs a lease renewal written after this call must return.</summary>
    public List<(LiveJob Job, int Attempt)> RunningClaims()
    {
        var running = new List<(LiveJob Job, int Attempt)>();
        foreach (var job in _alive.Snapshot())
        {
            if (job.IsClaimed && job.IsRunning)
            {
                running.Add((job, job.Attempt));
            }
        }

        return running;
    }

    /// <summary>Fires the tokens of claimed jobs whose lease another host recovered: their outcome would be refused.</summary>
    /// <param name="running">
    /// The claimed jobs that ran before the renewal was written (<see cref="RunningClaims"/>). Only they can be told
    /// lost: a job claimed after the renewal was written is missing from <paramref name="held"/> although this host holds it.
    /// </param>
    /// <param name="held">The jobs the renewal found still held by this host.</param>
    public void DropLostClaims(List<(LiveJob Job, int Attempt)> running, HashSet<JobId> held)
    {
        foreach (var (job, attempt) in running)
        {
            if (job.IsClaimed && job.IsRunning && job.Attempt == attempt && !held.Contains(job.Id))
            {
                Logger.ClaimLost(job.Id);
                job.CancelRunning(JobCancelReason.Shutdown);
            }
        }
    }

    /// <summary>
    /// Gives back the jobs that the store says this host holds Running but that no live job here knows, when they were
    /// unknown at the heartbeat before too (a claim that had just been made is known by then): a claim whose answer never
    /// arrived (the connection dropped after the store committed it), or an attempt whose outcome could not be written
    /// (the store was away longer than the writes wait), would otherwise be renewed forever.
    /// A typed job with attempts left is released for its next attempt; any other is failed, saying why.
    /// </summary>
    /// <returns>The ids held but unknown now, for the next heartbeat.</returns>
    public async Task<HashSet<JobId>> ReleaseUnknownClaimsAsync(IEnumerable<JobId> held, HashSet<JobId> unknownBefore)
    {
        var unknown = held.Where(id => !_alive.TryGet(id, out _)).ToHashSet();
        var released = 0;
        foreach (var id in unknown.Where(unknownBefore.Contains))
        {
            if (await Records.Store.GetAsync(id).ConfigureAwait(false) is not { Status: JobStatus.Running } record)
            {
                continue;
            }

            var now = Time.GetUtcNow();
            var why = $"Host '{Options.HostName}' held attempt {record.Attempt} but no longer knew of it: the answer to its claim, or the write of the attempt's outcome, was lost (the connection to the store dropped).";
            var change = record.Arguments is not null && record.Attempt < record.MaxAttempts
                ? new JobTransition(JobStatus.Retrying, record.Attempt, now, ScheduledAt: now, Error: new JobError(typeof(OperationCanceledException).FullName!, why + " The job is due again at once.", null))
                : new JobTransition(JobStatus.Failed, record.Attempt, now, Error: new JobError(typeof(InvalidOperationException).FullName!, why + (record.Arguments is null ? " A lambda job cannot run without its code." : " No attempt is left."), null));
            var written = await Records.Durable!.DurableStore.TransitionAsync(id, change, Records.Durable.Owner).ConfigureAwait(false);
            if (written.IsRecorded)
            {
                Observe(record, change);
                ObserveStoreDecided(written.SettledContinuations, now);
                released++;
                if (_queues.ContainsKey(record.Queue))
                {
                    Claimer!.Wake(record.Queue);
                }
            }
        }

        if (released > 0)
        {
            Logger.JobsRecovered(released, $"{Records.Durable!.Owner}, claims whose answer was lost");
        }

        return unknown;
    }

    /// <summary>
    /// Another host changed a job's record (the store notified it): when this host holds the job's claim, the record
    /// is read, and a job cancelled there stops here with reason <see cref="JobCancelReason.Requested"/>, a job recovered
    /// there (its lease expired) stops as a lost claim, at once rather than at the next heartbeat.
    /// </summary>
    public void OnChangedElsewhere(JobId id)
    {
        if (_alive.TryGet(id, out var job) && job.IsClaimed && !job.IsFinished)
        {
            _ = CheckClaimAsync(job, job.Attempt);
        }
    }

    private async Task CheckClaimAsync(LiveJob job, int attempt)
    {
        try
        {
            var record = await Records.Store.GetAsync(job.Id).ConfigureAwait(false);
            if (record is { Status: JobStatus.Running } && record.Attempt == attempt)
            {
                // Still this host's attempt: the change was something else (its progress, written here).
                return;
            }

            if (record is { Status: JobStatus.Cancelled, CancelReason: JobCancelReason.Requested })
            {
                await CancelAsync(job.Id, CancellationToken.None).ConfigureAwait(false);
            }
            else if (job.IsRunning && job.Attempt == attempt)
            {
                Logger.ClaimLost(job.Id);
                job.CancelRunning(JobCancelReason.Shutdown);
            }
        }
        catch (Exception ex)
        {
            Logger.StoreFailed(ex, nameof(IJobStore.GetAsync), job.Id);
        }
    }

    /// <summary>
    /// Gives a typed job this host claimed back to the durable store, due at once, when the host stops before it
    /// could finish: it waits there for the next host (or this one, restarted) instead of ending Cancelled.
    /// </summary>
    /// <returns><see langword="false"/> when the job is not a claimed typed job, so the caller ends it as on any store.</returns>
    public async ValueTask<bool> TryGiveBackAsync(LiveJob job, string why)
    {
        if (!job.IsClaimed || job.Arguments is null)
        {
            return false;
        }

        var now = Time.GetUtcNow();
        var error = new JobError(typeof(OperationCanceledException).FullName!, why, null);
        await RecordAsync(job, new JobTransition(JobStatus.Retrying, job.Attempt, now, ScheduledAt: now, Error: error)).ConfigureAwait(false);
        job.StoreHandle = null;
        Release(job);
        return true;
    }

    /// <summary>Lets go of a job this process will not run or record any further (it stays in the durable store), waking whoever waits here.</summary>
    public void Release(LiveJob job)
    {
        if (job.TryFinish())
        {
            _alive.Remove(job.Id, job);
            job.SignalFinished();
        }
    }

    private async ValueTask FailUnrunnableAsync(NamedQueue queue, JobRecord record)
    {
        var error = new JobError(
            typeof(InvalidOperationException).FullName!,
            record.Arguments is null
                ? $"Job {record.Id} is a lambda job of another host; its code is not stored, so host '{Options.HostName}' cannot run it."
                : $"Job {record.Id} is named '{record.Name}', which no AddJob call of host '{Options.HostName}' registers, so it cannot run here. Register it on every host that shares the store.",
            null);
        try
        {
            var owner = Records.Durable!.Owner;
            var change = new JobTransition(JobStatus.Failed, record.Attempt, Time.GetUtcNow(), Error: error);
            var written = await Records.Durable.DurableStore.TransitionAsync(record.Id, change, owner).ConfigureAwait(false);
            if (written.IsRecorded)
            {
                Observe(record, change);
                ObserveStoreDecided(written.SettledContinuations, change.Timestamp);
                ReleaseContinuations(record.Id, JobStatus.Failed);
            }
        }
        catch (Exception ex)
        {
            Logger.StoreFailed(ex, nameof(IDurableJobStore.TransitionAsync), record.Id);
        }
        finally
        {
            Claimer!.Ended(queue.Name);
        }
    }
}
