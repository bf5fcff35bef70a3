using BenchmarkDotNet.Attributes;

namespace BackgroundTasks.Benchmarks.Peers;

/// <summary>
/// Workload (a), end to end: no-op jobs from the first enqueue to the last completion, per job. Each
/// contender gets a batch large enough to last 0.1 s or more, and to amortize Coravel's 1 s poll.
/// </summary>
public class EndToEndBenchmark : PeerBenchmarkBase
{
    private const int RawN = 1_000_000;
    private const int DocsN = 500_000;
    private const int CoravelN = 500_000;
    private const int HangfireN = 5_000;
    private const int QuartzN = 20_000;
    private const int OursN = 200_000;

    /// <summary>Start every iteration from an empty store, so that iterations compare alike.</summary>
    [IterationSetup(Targets = [nameof(BackgroundTasksTracked), nameof(BackgroundTasksTrackedOneWorker), nameof(BackgroundTasksNoStore)])]
    public void FreshStore() => Restart();

    /// <summary>BackgroundTasks with a single worker: no-op jobs need no second one, and one fewer thread than cores leaves the producer a core.</summary>
    [GlobalSetup(Target = nameof(BackgroundTasksTrackedOneWorker))]
    public void SetupOneWorker()
    {
        PeerSettings.BackgroundTasksWorkers = 1;
        Start(Contender.BackgroundTasks);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = RawN)]
    public Task RawChannel() => RunAsync(JobBody.Counted, RawN);

    [Benchmark(OperationsPerInvoke = DocsN)]
    public Task DocsPattern() => RunAsync(JobBody.Counted, DocsN);

    [Benchmark(OperationsPerInvoke = CoravelN)]
    public Task Coravel() => RunAsync(JobBody.Counted, CoravelN);

    [Benchmark(OperationsPerInvoke = HangfireN)]
    public Task Hangfire() => RunAsync(JobBody.Counted, HangfireN);

    [Benchmark(OperationsPerInvoke = QuartzN)]
    public Task Quartz() => RunAsync(JobBody.Counted, QuartzN);

    [Benchmark(OperationsPerInvoke = OursN)]
    public Task BackgroundTasksTracked() => RunAsync(JobBody.Counted, OursN);

    [Benchmark(OperationsPerInvoke = OursN)]
    public Task BackgroundTasksTrackedOneWorker() => RunAsync(JobBody.Counted, OursN);

    [Benchmark(OperationsPerInvoke = OursN)]
    public Task BackgroundTasksNoStore() => RunAsync(JobBody.Counted, OursN);
}
