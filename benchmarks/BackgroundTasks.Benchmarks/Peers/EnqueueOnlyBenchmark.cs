using BenchmarkDotNet.Attributes;

namespace BackgroundTasks.Benchmarks.Peers;

/// <summary>
/// Workload (a), enqueue only: the producer's cost of enqueueing no-op jobs, per job. The workers run
/// meanwhile (as they would in an application); the iteration cleanup waits for them outside the measurement.
/// </summary>
public class EnqueueOnlyBenchmark : PeerBenchmarkBase
{
    private const int RawN = 1_000_000;
    private const int DocsN = 500_000;
    private const int CoravelN = 500_000;
    private const int HangfireN = 5_000;
    private const int QuartzN = 20_000;
    private const int OursN = 200_000;

    /// <summary>Gets a capacity that holds the whole batch: the producer never waits, so only the enqueue is measured.</summary>
    protected override int QueueCapacity => PeerSettings.LargeCapacity;

    /// <summary>Start every iteration from an empty store, so that iterations compare alike.</summary>
    [IterationSetup(Targets = [nameof(BackgroundTasksTracked), nameof(BackgroundTasksNoStore)])]
    public void FreshStore() => Restart();

    /// <summary>Waits, unmeasured, for the jobs of the iteration to complete.</summary>
    [IterationCleanup]
    public void Drain() => Countdown.Wait();

    [Benchmark(Baseline = true, OperationsPerInvoke = RawN)]
    public Task RawChannel() => EnqueueAsync(RawN);

    [Benchmark(OperationsPerInvoke = DocsN)]
    public Task DocsPattern() => EnqueueAsync(DocsN);

    [Benchmark(OperationsPerInvoke = CoravelN)]
    public Task Coravel() => EnqueueAsync(CoravelN);

    [Benchmark(OperationsPerInvoke = HangfireN)]
    public Task Hangfire() => EnqueueAsync(HangfireN);

    [Benchmark(OperationsPerInvoke = QuartzN)]
    public Task Quartz() => EnqueueAsync(QuartzN);

    [Benchmark(OperationsPerInvoke = OursN)]
    public Task BackgroundTasksTracked() => EnqueueAsync(OursN);

    [Benchmark(OperationsPerInvoke = OursN)]
    public Task BackgroundTasksNoStore() => EnqueueAsync(OursN);

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
