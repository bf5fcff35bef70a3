using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BackgroundTasks;

/// <summary>
/// The worker pool: for each named queue, as many loops as the queue has workers, each taking one job at a
/// time. Stopping closes the queues, drains them (or cancels what waits) within the drain timeout, then
/// fires the running jobs' tokens, and finally records every job still alive as cancelled.
/// </summary>
internal sealed class JobWorkerService(JobQueue engine) : BackgroundService
{
    /// <summary>How many jobs a worker runs back to back before it looks whether other thread-pool work waits.</summary>
    private const int YieldCheckInterval = 64;

    private readonly JobRunner _runner = new(engine);
    private Task _workers = Task.CompletedTask;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        var options = engine.Options;
        engine.Logger.Stopping(engine.RunningCount, engine.Queues.Sum(static q => q.Count), options.ShutdownMode);
        engine.Close();
        if (options.ShutdownMode == ShutdownMode.Cancel)
        {
            StopTaking();
        }

        try
        {
            if (!await WaitForWorkersAsync(options.DrainTimeout, cancellationToken).ConfigureAwait(false))
            {
                engine.Logger.DrainTimedOut(options.DrainTimeout);
                StopTaking();
                engine.CancelRunning(JobCancelReason.Shutdown);
                if (!await WaitForWorkersAsync(Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false))
                {
                    engine.Logger.JobsAbandoned(engine.RunningCount);
                }
            }
        }
        finally
        {
            StopTaking();
            await engine.SweepAsync().ConfigureAwait(false);
            engine.Logger.Stopped();
        }

        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var loops = new List<Task>();
        foreach (var queue in engine.Queues)
        {
            for (var i = 0; i < queue.Options.Workers; i++)
            {
                loops.Add(Task.Run(() => WorkAsync(queue), CancellationToken.None));
            }
        }

        _workers = Task.WhenAll(loops);
        return _workers;
    }

    private void StopTaking()
    {
        foreach (var queue in engine.Queues)
        {
            queue.StopTaking();
        }
    }

    /// <summary>Waits for every worker loop to end, up to a timeout or until the host gives up.</summary>
    /// <returns><see langword="true"/> when they all ended.</returns>
    private async Task<bool> WaitForWorkersAsync(TimeSpan timeout, CancellationToken hostGivesUp)
    {
        if (_workers.IsCompleted)
        {
            return true;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(hostGivesUp);
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            using var timer = engine.Time.CreateTimer(static s => ((CancellationTokenSource)s!).Cancel(), deadline, timeout, Timeout.InfiniteTimeSpan);
            return await WaitAsync(_workers, deadline.Token).ConfigureAwait(false);
        }

        return await WaitAsync(_workers, deadline.Token).ConfigureAwait(false);
    }

    private static async Task<bool> WaitAsync(Task task, CancellationToken cancellationToken)
    {
        try
        {
            await task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task WorkAsync(NamedJobQueue queue)
    {
        var worker = new WorkerState(engine.Time);
        try
        {
            var sinceYield = 0;
            while (true)
            {
                // Go from job to job while the lanes hold some: only an empty queue costs an await.
                while (queue.TryTake(worker, out var item))
                {
                    var run = _runner.RunSafely(item, worker);
                    if (!run.IsCompletedSuccessfully)
                    {
                        // The job went asynchronous: hand back what the batch holds before waiting for it.
                        HandBack(queue, worker);
                        await run.ConfigureAwait(false);
                    }

                    // The loop runs on a thread-pool thread: now and then, let other work queued there run
                    // (the application's requests, a producer that waited for space) instead of starving it.
                    if (++sinceYield == YieldCheckInterval)
                    {
                        sinceYield = 0;
                        if (ThreadPool.PendingWorkItemCount > 0)
                        {
                            HandBack(queue, worker);
                            await Task.Yield();
                        }
                    }
                }

                HandBack(queue, worker);
                if (await queue.TakeAsync(worker).ConfigureAwait(false) is not { } next)
                {
                    return;
                }

                var first = _runner.RunSafely(next, worker);
                if (!first.IsCompletedSuccessfully)
                {
                    HandBack(queue, worker);
                    await first.ConfigureAwait(false);
                }
            }
        }
        finally
        {
            HandBack(queue, worker);
            worker.Cts.Dispose();
        }
    }

    /// <summary>
    /// Ends a run of back-to-back jobs (the worker is about to wait, yield or stop): gives back the queue
    /// slots and the finished jobs it batched, and forgets its clock reading.
    /// </summary>
    private void HandBack(NamedJobQueue queue, WorkerState worker)
    {
        queue.ReleaseTaken(worker);
        worker.FlushRetired(engine.Memory);
        worker.LastReading = 0;
    }
}
