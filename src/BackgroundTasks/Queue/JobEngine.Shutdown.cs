namespace BackgroundTasks;

/// <summary>Shutdown: the jobs still waiting or running when the host stops are ended, or given back to a durable store.</summary>
internal sealed partial class JobEngine
{
    /// <summary>Records every job that waits in a lane, or for its due time, cancelled (ShutdownMode.Cancel, and the sweep).</summary>
    public async Task CancelWaitingAsync()
    {
        foreach (var queue in _queues.Values)
        {
            queue.TakeAll();
        }

        // Recorded together, not one after another: a store across the network commits them in a few round trips.
        var recording = new List<Task>();
        foreach (var job in _alive.Snapshot())
        {
            if (job.IsRunning || job.IsFinished)
            {
                continue;
            }

            if (Claimer is not null && job.Arguments is not null)
            {
                // A typed job waits in the durable store for the next host: give back this host's claim, if any.
                recording.Add(GiveBackOrReleaseAsync(job));
            }
            else if (job.TryFinish())
            {
                recording.Add(RecordTerminalAsync(job, JobStatus.Cancelled, ShutdownError(job), result: null, JobCancelReason.Shutdown).AsTask());
            }
        }

        await Task.WhenAll(recording).ConfigureAwait(false);
    }

    /// <summary>Records the cancellation of every job still alive after the workers stopped (the shutdown timeout ended), together.</summary>
    public async Task SweepAsync()
    {
        await CancelWaitingAsync().ConfigureAwait(false);
        var recording = new List<Task>();
        foreach (var job in _alive.Snapshot())
        {
            if (Claimer is not null && job.Arguments is not null)
            {
                // Still running past the host's timeout: its lease lapses with this process, and the job is recovered.
                Release(job);
            }
            else if (job.TryFinish())
            {
                var error = new JobError(typeof(OperationCanceledException).FullName!, "The job was still running when the host's shutdown timeout ended; it was left behind.", null);
                recording.Add(RecordTerminalAsync(job, JobStatus.Cancelled, error, result: null, JobCancelReason.Shutdown).AsTask());
            }
        }

        await Task.WhenAll(recording).ConfigureAwait(false);
    }

    private async Task GiveBackOrReleaseAsync(LiveJob job)
    {
        if (!await TryGiveBackAsync(job, "The host stopped before this claimed attempt ran; the job is due again at once.").ConfigureAwait(false))
        {
            Release(job);
        }
    }

    /// <summary>Fires the tokens of every running job.</summary>
    public void CancelRunning(JobCancelReason reason)
    {
        foreach (var job in _alive.Snapshot())
        {
            job.CancelRunning(reason);
        }
    }

    internal static JobError ShutdownError(LiveJob job) => new(
        typeof(OperationCanceledException).FullName!,
        job.Attempt == 0
            ? "The host stopped before the job ran."
            : $"The host stopped while the job waited to retry, after attempt {job.Attempt} of {job.Settings.MaxAttempts} had failed.",
        null);
}
