using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace BackgroundTasks;

/// <summary>Runs one attempt of a job and records what came of it.</summary>
internal sealed class JobRunner(JobEngine engine)
{
    /// <summary>
    /// Runs a job taken from its queue, unless it was cancelled while it waited. A failure of the runner
    /// itself is logged and leaves the worker with a fresh token source, never an exception that would end
    /// the worker's loop.
    /// </summary>
    public ValueTask RunSafelyAsync(LiveJob job, Worker worker)
    {
        // An attempt that ends without awaiting anything (a job that completes at once, a store that answers at
        // once) ends here, without a second async state machine.
        var run = RunAsync(job, worker);
        if (run.IsCompletedSuccessfully)
        {
            run.GetAwaiter().GetResult();
            return default;
        }

        return AwaitSafelyAsync(run, job, worker);
    }

    private async ValueTask AwaitSafelyAsync(ValueTask run, LiveJob job, Worker worker)
    {
        try
        {
            await run.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The runner records every outcome itself; reaching here is a bug, which must not kill the worker.
            engine.Logger.WorkerFailed(ex, job.Settings.Queue);
            worker.Renew();
        }
    }

    private async ValueTask RunAsync(LiveJob job, Worker worker)
    {
        var cts = worker.Cts;
        var claimed = job.IsClaimed;
        if (!job.TryStart(cts))
        {
            // Cancelled while it waited: recorded already.
            return;
        }

        // The timeout runs from the start: armed before anyone can see the job Running.
        var settings = job.Settings;
        if (settings.Timeout != Timeout.InfiniteTimeSpan)
        {
            cts.CancelAfter(settings.Timeout);
        }

        var startedAt = engine.Time.GetUtcNow();
        if (!await engine.RecordAsync(job, new JobTransition(JobStatus.Running, job.Attempt, startedAt)).ConfigureAwait(false))
        {
            // The store refused the start: somebody ended the job there (cancelled it through the store).
            worker.Next(job.EndAttempt());
            if (job.TryFinish())
            {
                var record = await engine.Records.Store.GetAsync(job.Id).ConfigureAwait(false);
                engine.Forget(job, record?.Status ?? JobStatus.Cancelled);
            }

            return;
        }

        var context = new JobContext(engine, job, cts.Token);
        var activity = StartActivity(job);
        engine.Metrics.Started(settings.Queue);
        Exception? failure = null;
        try
        {
            if (engine.Hooks.HasFilters)
            {
                await engine.Hooks.RunAsync(job, context).ConfigureAwait(false);
            }
            else
            {
                await job.InvokeAsync(context).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        if (!context.IsQuiet)
        {
            await context.CompleteAsync().ConfigureAwait(false);
        }

        var tokenFired = cts.IsCancellationRequested;

        // A job that returns has succeeded, even when its cancellation was asked for: it did its work. Its attempt
        // ends and its right to record the end is claimed at once.
        var finished = false;
        worker.Next(failure is null ? job.EndAttemptAndFinish(out finished) : job.EndAttempt());
        var outcome = failure is null ? "succeeded" : job.CancelReason != JobCancelReason.None ? "cancelled" : tokenFired && failure is OperationCanceledException ? "timed_out" : "failed";
        engine.Metrics.Ended(settings.Queue, startedAt, engine.Time, outcome);
        if (activity is not null)
        {
            activity.SetTag("backgroundtasks.job.status", outcome);
            if (failure is not null && outcome != "cancelled")
            {
                activity.SetStatus(ActivityStatusCode.Error, failure.Message);
                activity.AddException(failure);
            }

            // The activity covers the attempt itself; it ends before the outcome is recorded and waiters wake.
            activity.Dispose();
        }

        var recording = failure is null ? RecordSuccessAsync(job, finished) : RecordFailureAsync(job, failure, tokenFired);
        if (claimed && !recording.IsCompleted)
        {
            // A claimed job's outcome goes to the durable store's writer, which commits whatever arrives together:
            // the worker takes its next job meanwhile, so that outcomes share commits. A crash before the commit
            // runs the attempt again, as any crash does (at least once).
            var claimer = engine.Claimer!;
            var queue = job.Settings.Queue;
            claimer.OutcomePending(queue);
            engine.TrackOutcome(EndOutcomeAsync(recording, claimer, queue));
            return;
        }

        await recording.ConfigureAwait(false);
    }

    private static async Task EndOutcomeAsync(ValueTask recording, JobClaimer claimer, string queue)
    {
        try
        {
            await recording.ConfigureAwait(false);
        }
        finally
        {
            claimer.OutcomeWritten(queue);
        }
    }

    private ValueTask RecordSuccessAsync(LiveJob job, bool finished)
    {
        if (!finished)
        {
            // Finished by someone else meanwhile, who records it.
            return default;
        }

        engine.Logger.JobSucceeded(job.Id, job.Attempt);
        return engine.RecordTerminalAsync(job, JobStatus.Succeeded, error: null, job.Result);
    }

    private async ValueTask RecordFailureAsync(LiveJob job, Exception failure, bool tokenFired)
    {
        if (job.CancelReason is var reason and not JobCancelReason.None)
        {
            if (reason == JobCancelReason.Shutdown
                && await engine.TryGiveBackAsync(job, $"The host stopped while attempt {job.Attempt} ran; the job is due again at once.").ConfigureAwait(false))
            {
                return;
            }

            // Cancelled by id or by shutdown: whatever the job threw, it was told to stop.
            if (job.TryFinish())
            {
                engine.Logger.JobCancelled(job.Id);
                var error = failure is OperationCanceledException ? null : JobError.FromException(failure);
                await engine.RecordTerminalAsync(job, JobStatus.Cancelled, error, result: null, reason).ConfigureAwait(false);
            }

            return;
        }

        JobError jobError;
        var settings = job.Settings;
        if (tokenFired && failure is OperationCanceledException)
        {
            engine.Logger.JobTimedOut(job.Id, job.Attempt, settings.Timeout);
            jobError = new JobError(
                typeof(TimeoutException).FullName!,
                $"The job timed out: attempt {job.Attempt} ran longer than its timeout of {settings.Timeout}.",
                failure.ToString(),
                timedOut: true);
        }
        else
        {
            engine.Logger.JobFailed(failure, job.Id, job.Attempt, settings.MaxAttempts);
            jobError = JobError.FromException(failure);
        }

        if (job.Attempt < settings.MaxAttempts)
        {
            await engine.ScheduleRetryAsync(job, jobError).ConfigureAwait(false);
        }
        else if (job.TryFinish())
        {
            await engine.RecordTerminalAsync(job, JobStatus.Failed, jobError, result: null).ConfigureAwait(false);
        }
    }

    private static Activity? StartActivity(LiveJob job)
    {
        if (!JobActivities.Source.HasListeners())
        {
            return null;
        }

        var activity = JobActivities.StartAttempt(job.Settings);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("backgroundtasks.job.id", job.Id.ToString());
            activity.SetTag("backgroundtasks.job.name", job.Settings.Name);
            activity.SetTag("backgroundtasks.queue", job.Settings.Queue);
            activity.SetTag("backgroundtasks.job.attempt", job.Attempt);
        }

        return activity;
    }
}
