using BenchmarkDotNet.Attributes;

namespace BackgroundTasks.Benchmarks.Peers;

/// <summary>
/// Workload (a), enqueue only: the producer's cost of enqueueing no-op jobs, per job. The workers run
/// meanwhile (as they would in an application); the iteration cleanup waits for them outside the measurement.
/// </summary>
public class EnqueueOnlyBenchmark : PeerBenchmarkBase
{
    /// <summary>Gets a capacity that holds the whole batch: the producer never waits, so only the enqueue is measured.</summary>
    protected override int QueueCapacity => PeerSettings.LargeCapacity;

    /// <summary>Start every iteration from an empty store, so that iterations compare alike.</summary>
    [IterationSetup(Targets = [nameof(BackgroundTasksTracked), nameof(BackgroundTasksUserStore)])]
    public void FreshStore() => Restart();

    /// <summary>Waits, unmeasured, for the jobs of the iteration to complete.</summary>
    [IterationCleanup]
    public void Drain() => Countdown.Wait();

    [Benchmark(Baseline = true, OperationsPerInvoke = NoOpBatch.Raw)]
    public Task RawChannel() => EnqueueAsync(NoOpBatch.Raw);

    [Benchmark(OperationsPerInvoke = NoOpBatch.Docs)]
    public Task DocsPattern() => EnqueueAsync(NoOpBatch.Docs);

    [Benchmark(OperationsPerInvoke = NoOpBatch.Coravel)]
    public Task Coravel() => EnqueueAsync(NoOpBatch.Coravel);

    [Benchmark(OperationsPerInvoke = NoOpBatch.Hangfire)]
    public Task Hangfire() => EnqueueAsync(NoOpBatch.Hangfire);

    [Benchmark(OperationsPerInvoke = NoOpBatch.Quartz)]
    public Task Quartz() => EnqueueAsync(NoOpBatch.Quartz);

    [Benchmark(OperationsPerInvoke = NoOpBatch.Ours)]
    public Task BackgroundTasksTracked() => EnqueueAsync(NoOpBatch.Ours);

    [Benchmark(OperationsPerInvoke = NoOpBatch.Ours)]
    public Task BackgroundTasksUserStore() => EnqueueAsync(NoOpBatch.Ours);

    private async Task EnqueueAsync(int count)
    {
        Countdown.Reset(count);
        var contender = Current;
        for (var i = 0; i < count; i++)
        {
            await contender.EnqueueAsync(JobBody.Counted);
        }
    }
}
