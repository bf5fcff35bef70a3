using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace BackgroundTasks;

/// <summary>Runs one attempt of a job and records what came of it.</summary>
internal sealed class JobRunner(JobQueue engine)
{
    /// <summary>Runs a job taken from its queue, unless it was cancelled while it waited.</summary>
    /// <param name="item">The job.</param>
    /// <param name="worker">The worker's token source (reset and ready; replaced when it cannot be reused) and clock reading.</param>
    /// <returns>A task that completes when the attempt's outcome is recorded; completed at once for a job that was.</returns>
    public ValueTask RunAsync(JobWorkItem item, WorkerState worker)
    {
        var memory = engine.Memory;
        if (memory is null)
        {
            worker.LastReading = 0;
            return RunWithStoreAsync(item, worker);
        }

        // The in-memory store: the item is its own record, so starting it records it Running under the same
        // lock. A worker that goes straight from one job to the next reuses the clock reading that ended the
        // last one for a plain job's first attempt (never earlier than its enqueue time): one clock read per
        // job saved. A delayed or retried job, or one somebody waits for, reads the clock.
        var cts = worker.Cts;
        var startedAt = worker.LastReading != 0 && item.Attempt == 0 && !item.HasDetails
            ? Math.Max(worker.LastReading, item.EnqueuedTicks)
            : engine.Time.GetUtcNow().UtcTicks;
        worker.LastReading = 0;

        // The timeout runs from the start: armed before anyone can see the job Running.
        var timed = ArmTimeout(item, cts);
        if (!item.TryStartRecorded(cts, startedAt))
        {
            if (timed)
            {
                worker.Cts = NextSource(cts, reusable: true);
            }

            return ValueTask.CompletedTask;
        }

        item.SignalChanged();
        var running = Invoke(item, cts, out var context, out var activity);
        if (!running.IsCompletedSuccessfully || activity is not null || !context.IsQuiet)
        {
            return EndAsync(item, worker, context, activity, running, startedAt);
        }

        // Done already, with nothing to flush or dispose: finish without an async state machine.
        var finishedAt = engine.Time.GetUtcNow().UtcTicks;
        var ended = item.TryFinishSucceeded(finishedAt, item.Result, out var reusable, out var waiting, out var recorded);
        worker.Cts = NextSource(cts, reusable);
        engine.Metrics.Ended(item.Queue.Name, TimeSpan.FromTicks(finishedAt - startedAt), "succeeded");
        if (ended)
        {
            if (recorded)
            {
                engine.Logger.JobSucceeded(item.Id, item.Attempt);
                engine.Retire(memory, item, finishedAt, worker);
                engine.Metrics.Finished(item.Queue.Name, JobStatus.Succeeded);
            }
            else
            {
                engine.Logger.TransitionRefused(item.Id, JobStatus.Succeeded);
            }

            if (waiting is not null)
            {
                item.Release(waiting);
            }
        }

        worker.LastReading = finishedAt;
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Runs a job as <see cref="RunAsync"/> does, for a worker loop (or a parent running its children in its
    /// worker): a failure of the runner itself is logged and leaves the worker with a fresh token source,
    /// never an exception that would end the loop.
    /// </summary>
    public ValueTask RunSafely(JobWorkItem item, WorkerState worker)
    {
        ValueTask run;
        try
        {
            run = RunAsync(item, worker);
        }
        catch (Exception ex)
        {
            OnRunnerFailed(ex, item, worker);
            return ValueTask.CompletedTask;
        }

        return run.IsCompletedSuccessfully ? ValueTask.CompletedTask : AwaitSafelyAsync(run, item, worker);
    }

    private async ValueTask AwaitSafelyAsync(ValueTask run, JobWorkItem item, WorkerState worker)
    {
        try
        {
            await run.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            OnRunnerFailed(ex, item, worker);
        }
    }

    // The runner records every outcome itself; reaching here is a bug, which must not kill the worker.
    private void OnRunnerFailed(Exception ex, JobWorkItem item, WorkerState worker)
    {
        engine.Logger.WorkerFailed(ex, item.Queue.Name);
        worker.Cts = WorkerState.NewSource(engine.Time);
        worker.LastReading = 0;
    }

    private async ValueTask RunWithStoreAsync(JobWorkItem item, WorkerState worker)
    {
        if (!item.TryStart(worker.Cts))
        {
            return;
        }

        ArmTimeout(item, worker.Cts);
        var startedAt = engine.Time.GetUtcNow();
        await engine.RecordAsync(item, new JobTransition(JobStatus.Running, item.Attempt, startedAt)).ConfigureAwait(false);
        var running = Invoke(item, worker.Cts, out var context, out var activity);
        await EndAsync(item, worker, context, activity, running, startedAt.UtcTicks).ConfigureAwait(false);
    }

    private static bool ArmTimeout(JobWorkItem item, CancellationTokenSource cts)
    {
        if (item.Timeout == Timeout.InfiniteTimeSpan)
        {
            return false;
        }

        cts.CancelAfter(item.Timeout);
        return true;
    }

    /// <summary>Builds the attempt's context, activity and metrics, and calls the job's delegate.</summary>
    /// <returns>The attempt: a task, also when the delegate threw before returning one.</returns>
    private Task Invoke(JobWorkItem item, CancellationTokenSource cts, out JobContext context, out Activity? activity)
    {
        context = new JobContext(item, cts.Token);
        activity = StartActivity(item);
        engine.Metrics.Started(item.Queue.Name);
        try
        {
            return item.InvokeAsync(context);
        }
        catch (Exception ex)
        {
            return Task.FromException(ex);
        }
    }

    /// <summary>Waits for the attempt, ends it (progress flushed, scope disposed, activity ended) and records its outcome.</summary>
    private async ValueTask EndAsync(JobWorkItem item, WorkerState worker, JobContext context, Activity? activity, Task running, long startedAt)
    {
        var cts = worker.Cts;
        Exception? failure = null;
        try
        {
            await running.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        await context.CompleteAsync().ConfigureAwait(false);
        var reusable = item.DetachToken();
        var tokenFired = cts.IsCancellationRequested;
        worker.Cts = NextSource(cts, reusable);
        var outcome = failure is null ? "succeeded" : item.CancelReason != JobCancelReason.None ? "cancelled" : tokenFired && failure is OperationCanceledException ? "timed_out" : "failed";
        engine.Metrics.Ended(item.Queue.Name, TimeSpan.FromTicks(engine.Time.GetUtcNow().UtcTicks - startedAt), outcome);
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

        await RecordOutcomeAsync(item, failure, tokenFired).ConfigureAwait(false);
    }

    private async ValueTask RecordOutcomeAsync(JobWorkItem item, Exception? failure, bool tokenFired)
    {
        if (failure is null)
        {
            if (item.TryFinish())
            {
                engine.Logger.JobSucceeded(item.Id, item.Attempt);
                await engine.RecordTerminalAsync(item, JobStatus.Succeeded, error: null, item.Result).ConfigureAwait(false);
            }

            return;
        }

        var reason = item.CancelReason;
        if (reason != JobCancelReason.None)
        {
            // Cancelled by id or by shutdown: whatever the job threw, it was told to stop.
            if (item.TryFinish())
            {
                engine.Logger.JobCancelled(item.Id);
                var error = failure is OperationCanceledException ? null : JobError.FromException(failure);
                await engine.RecordTerminalAsync(item, JobStatus.Cancelled, error, result: null).ConfigureAwait(false);
            }

            return;
        }

        JobError jobError;
        if (tokenFired && failure is OperationCanceledException)
        {
            engine.Logger.JobTimedOut(item.Id, item.Attempt, item.Timeout);
            jobError = new JobError(
                typeof(TimeoutException).FullName!,
                $"The job timed out: attempt {item.Attempt} ran longer than its timeout of {item.Timeout}.",
                failure.ToString(),
                timedOut: true);
        }
        else
        {
            engine.Logger.JobFailed(failure, item.Id, item.Attempt, item.MaxAttempts);
            jobError = JobError.FromException(failure);
        }

        if (item.Attempt < item.MaxAttempts && !engine.IsClosed)
        {
            await engine.ScheduleRetryAsync(item, jobError).ConfigureAwait(false);
        }
        else if (item.TryFinish())
        {
            await engine.RecordTerminalAsync(item, JobStatus.Failed, jobError, result: null).ConfigureAwait(false);
        }
    }

    private static Activity? StartActivity(JobWorkItem item)
    {
        if (!JobMetrics.ActivitySource.HasListeners())
        {
            return null;
        }

        var activity = JobMetrics.ActivitySource.StartActivity("backgroundtasks.job", ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("backgroundtasks.job.id", item.Id.ToString());
            activity.SetTag("backgroundtasks.job.name", item.Name);
            activity.SetTag("backgroundtasks.queue", item.Queue.Name);
            activity.SetTag("backgroundtasks.job.attempt", item.Attempt);
        }

        return activity;
    }

    /// <summary>The token source for the worker's next job: this one reset, or a new one.</summary>
    /// <param name="used">The source the job ran with.</param>
    /// <param name="reusable">Whether the source may be touched: <see langword="false"/> while a cancellation fires it.</param>
    private CancellationTokenSource NextSource(CancellationTokenSource used, bool reusable)
    {
        if (reusable)
        {
            if (used.TryReset())
            {
                return used;
            }

            used.Dispose();
        }

        // Left to the garbage collector when a cancellation still fires it.
        return WorkerState.NewSource(engine.Time);
    }
}
