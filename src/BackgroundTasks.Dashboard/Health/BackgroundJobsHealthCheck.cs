using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BackgroundTasks.Dashboard;

/// <summary>
/// The background jobs health check: Unhealthy when this host's worker pool does not run or the store does not
/// answer a read in time; Degraded when a queue stays full or the share of failed jobs is too high; Healthy
/// otherwise. One instance per registration and application, since it remembers since when each queue is full.
/// </summary>
internal sealed class BackgroundJobsHealthCheck(IJobMonitor monitor, ThroughputRing throughput, BackgroundJobsHealthCheckOptions options) : IHealthCheck
{
    /// <summary>The id the store is asked for: valid, and never given to a job (ids start with the time they were made).</summary>
    private static readonly JobId s_probe = JobId.Parse("00000000000000000000000000000001");

    private readonly FullQueueWatch _fullQueues = new();

    private TimeProvider Time => throughput.Time;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = monitor.GetEngineStatus();
        var data = new Dictionary<string, object>(StringComparer.Ordinal) { ["running"] = status.IsRunning };
        foreach (var queue in status.Queues)
        {
            data[$"queue.{queue.Name}.length"] = queue.Length;
        }

        if (!status.IsRunning)
        {
            return HealthCheckResult.Unhealthy(
                "The worker pool of this host is not running: the host has not started it, is stopping, or its worker loops ended. No job runs here.",
                data: data);
        }

        if (await ProbeStoreAsync(cancellationToken).ConfigureAwait(false) is { } storeFailure)
        {
            return storeFailure;
        }

        var problems = new List<string>();
        foreach (var (queue, since) in _fullQueues.Observe(status.Queues, Time.GetUtcNow(), options.FullQueueThreshold))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"Queue '{queue.Name}' has been full ({queue.Length} of {queue.Capacity}) since {since:O}: add workers or capacity, or slow the producers."));
        }

        var (failed, finished) = CountFailures();
        data["failed"] = failed;
        data["finished"] = finished;
        if (finished >= options.FailureRateMinimumJobs && failed >= options.FailureRateThreshold * finished)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{failed} of the {finished} jobs that finished in the last {options.FailureWindow.TotalMinutes:0} minutes failed ({100.0 * failed / finished:0.#}%, the threshold is {100 * options.FailureRateThreshold:0.#}%)."));
        }

        return problems.Count > 0
            ? HealthCheckResult.Degraded(string.Join(" ", problems), data: data)
            : HealthCheckResult.Healthy(string.Create(CultureInfo.InvariantCulture, $"The worker pool runs and the store answers ({status.Queues.Sum(static q => q.Length)} jobs waiting)."), data);
    }

    /// <summary>Reads one unknown job from the store, within the timeout.</summary>
    /// <returns>An Unhealthy result when the store failed or was too slow; otherwise <see langword="null"/>.</returns>
    private async Task<HealthCheckResult?> ProbeStoreAsync(CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(options.StoreTimeout, Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            // WaitAsync too: a store that ignores its token must not hold the check.
            await monitor.GetAsync(s_probe, linked.Token).AsTask().WaitAsync(options.StoreTimeout, Time, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (ex is TimeoutException || (ex is OperationCanceledException && timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested))
        {
            return HealthCheckResult.Unhealthy(string.Create(CultureInfo.InvariantCulture, $"The job store did not answer a read within {options.StoreTimeout}."), ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"The job store cannot be reached: its read threw {ex.GetType().Name}: {ex.Message}", ex);
        }
    }

    /// <summary>Counts the jobs that failed for good and that finished (succeeded or failed) in the window.</summary>
    private (long Failed, long Finished) CountFailures()
    {
        long failed = 0;
        long succeeded = 0;
        foreach (var minute in throughput.Last((int)options.FailureWindow.TotalMinutes))
        {
            failed += minute.Failed;
            succeeded += minute.Succeeded;
        }

        return (failed, failed + succeeded);
    }
}
