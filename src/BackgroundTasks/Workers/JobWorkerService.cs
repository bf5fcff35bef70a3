using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BackgroundTasks;

/// <summary>
/// The worker pool: for each named queue, as many loops as the queue has workers, each taking one job at a
/// time. Stopping closes the queues; then queued jobs drain (or, with <see cref="ShutdownMode.Cancel"/>, are
/// recorded cancelled at once) within the drain timeout; then the running jobs' tokens fire; and finally
/// every job still alive is recorded cancelled.
/// </summary>
internal sealed class JobWorkerService(JobEngine engine) : BackgroundService
{
    /// <summary>How many jobs a worker runs back to back before it looks whether other thread-pool work waits.</summary>
    private const int YieldCheckInterval = 64;

    private readonly JobRunner _runner = new(engine);
    private readonly CancellationTokenSource _stopTaking = new();
    private readonly Lock _stopGate = new();
    private Task _workers = Task.CompletedTask;
    private Task _claimer = Task.CompletedTask;
    private Task? _stopped;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        engine.PoolStarting();
        return base.StartAsync(cancellationToken);
    }

    /// <summary>
    /// Stops the pool once: a host may stop its services again (WebApplicationFactory stops its host, disposes it and
    /// stops it once more), and a later call waits for the first stop; after <see cref="Dispose"/> there is nothing to stop.
    /// </summary>
    public override Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_stopGate)
        {
            return _stopped ??= StopPoolAsync(cancellationToken);
        }
    }

    private async Task StopPoolAsync(CancellationToken cancellationToken)
    {
        var options = engine.Options;
        engine.Logger.Stopping(engine.RunningCount, engine.Queues.Sum(static q => q.Count), options.ShutdownMode);
        engine.Close();
        await _claimer.ConfigureAwait(false);
        try
        {
            if (options.ShutdownMode == ShutdownMode.Cancel)
            {
                StopTaking();
                await engine.CancelWaitingAsync().ConfigureAwait(false);
            }

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
            try
            {
                await engine.WhenOutcomesRecordedAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The host gave up: the durable store keeps what was committed, and leases recover the rest.
            }

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
        _claimer = Task.Run(engine.RunClaimerAsync, CancellationToken.None);
        engine.PoolStarted(_workers, _claimer);
        return _workers;
    }

    public override void Dispose()
    {
        lock (_stopGate)
        {
            _stopped ??= Task.CompletedTask;
        }

        _stopTaking.Dispose();
        base.Dispose();
    }

    private void StopTaking()
    {
        _stopTaking.Cancel();
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

        try
        {
            await _workers.WaitAsync(timeout, engine.Time, hostGivesUp).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            return false;
        }
    }

    private async Task WorkAsync(NamedQueue queue)
    {
        var worker = new Worker(engine.Time);
        var limiter = queue.RateLimiter;
        var sinceYield = 0;
        while (await queue.TakeAsync().ConfigureAwait(false) is { } job)
        {
            var claimed = job.IsClaimed;
            if (limiter is null)
            {
                await _runner.RunSafelyAsync(job, worker).ConfigureAwait(false);
            }
            else if (await limiter.AcquireAsync(job, engine.Logger, _stopTaking.Token).ConfigureAwait(false) is { } lease)
            {
                // The lease is held for the attempt: a ConcurrencyLimiter plugged in limits running attempts.
                using (lease)
                {
                    await _runner.RunSafelyAsync(job, worker).ConfigureAwait(false);
                }
            }

            // Otherwise the job was cancelled while it waited for a permit (and is recorded so), or the workers
            // stop taking jobs: the shutdown sweep ends it (or gives a claimed job back to the durable store).
            if (claimed)
            {
                engine.Claimer!.Ended(queue.Name);
            }

            // The loop runs on a thread-pool thread: now and then, let other work queued there run (the
            // application's requests, a producer let back in) instead of starving it.
            if (++sinceYield == YieldCheckInterval)
            {
                sinceYield = 0;
                if (ThreadPool.PendingWorkItemCount > 0)
                {
                    await Task.Yield();
                }
            }
        }

        worker.Cts.Dispose();
    }
}
