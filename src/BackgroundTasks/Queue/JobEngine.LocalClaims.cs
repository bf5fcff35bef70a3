namespace BackgroundTasks;

/// <summary>
/// Local claims: a typed job enqueued on a durable store while one of its queue's workers is free is recorded
/// already claimed by this host and goes straight to its lane, so it costs one write (the insert) instead of
/// two (the insert, then a claim). Its row is Running under this host's lease from the start, so a crash
/// leaves it to recovery exactly like a job the claim loop took, and it runs as one: made from its record.
/// </summary>
internal sealed partial class JobEngine
{
    /// <summary>Gets a value indicating whether this host's workers run (or are starting): a host that only enqueues (its workers never started, or ended) must leave its jobs to the others.</summary>
    private bool WorkersRunning => _poolStarting && Volatile.Read(ref _workerLoops) is not { IsCompleted: true };

    private ValueTask<JobId> AcceptClaimedAsync(LiveJob job, NamedQueue queue, CancellationToken cancellationToken)
    {
        // Shutdown waits for this (with the outcome writes) before its sweep, so a job pushed late is still given back.
        var accepting = AcceptClaimedCoreAsync(job, queue, cancellationToken);
        TrackOutcome(accepting);
        return new ValueTask<JobId>(accepting);
    }

    private async Task<JobId> AcceptClaimedCoreAsync(LiveJob job, NamedQueue queue, CancellationToken cancellationToken)
    {
        JobRecord? claimed;
        try
        {
            claimed = await Records.Durable!.AddClaimedAsync(job.Id, job.Settings, job.Arguments!, Time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Claimer!.Ended(queue.Name);
            throw;
        }

        if (claimed is null)
        {
            // The store recorded it Queued: the claim loop takes it, here or on another host.
            Claimer!.Ended(queue.Name);
            Admit(job, queue, dueAt: null);
            return job.Id;
        }

        if (_closed)
        {
            // The host stops: the job waits in the store for the next host, as a job enqueued a moment earlier would.
            job.PrepareClaimed(claimed.Attempt);
            await TryGiveBackAsync(job, "The host stopped before this claimed attempt ran; the job is due again at once.").ConfigureAwait(false);
            Claimer!.Ended(queue.Name);
            throw ShutDownException();
        }

        Logger.JobAccepted(job.Id, job.Settings.Name, queue.Name);
        Metrics.Enqueued(queue.Name);
        ObserveEnqueued(job, dueAt: null);
        await AdmitClaimedAsync(queue, claimed).ConfigureAwait(false);
        return job.Id;
    }
}
