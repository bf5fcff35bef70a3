using BenchmarkDotNet.Attributes;

namespace BackgroundTasks.Benchmarks.Peers;

/// <summary>
/// Workload (a), end to end: no-op jobs from the first enqueue to the last completion, per job. Batch sizes:
/// <see cref="NoOpBatch"/>.
/// </summary>
public class EndToEndBenchmark : PeerBenchmarkBase
{
    /// <summary>Start every iteration from an empty store, so that iterations compare alike.</summary>
    [IterationSetup(Targets = [nameof(BackgroundTasksTracked), nameof(BackgroundTasksTrackedOneWorker), nameof(BackgroundTasksUserStore)])]
    public void FreshStore() => Restart();

    /// <summary>BackgroundTasks with a single worker: no-op jobs need no second one, and one fewer thread than cores leaves the producer a core.</summary>
    [GlobalSetup(Target = nameof(BackgroundTasksTrackedOneWorker))]
    public void SetupOneWorker()
    {
        PeerSettings.BackgroundTasksWorkers = 1;
        Start(Contender.BackgroundTasks);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = NoOpBatch.Raw)]
    public Task RawChannel() => RunAsync(JobBody.Counted, NoOpBatch.Raw);

    [Benchmark(OperationsPerInvoke = NoOpBatch.Docs)]
    public Task DocsPattern() => RunAsync(JobBody.Counted, NoOpBatch.Docs);

    [Benchmark(OperationsPerInvoke = NoOpBatch.Coravel)]
    public Task Coravel() => RunAsync(JobBody.Counted, NoOpBatch.Coravel);

    [Benchmark(OperationsPerInvoke = NoOpBatch.Hangfire)]
    public Task Hangfire() => RunAsync(JobBody.Counted, NoOpBatch.Hangfire);

    [Benchmark(OperationsPerInvoke = NoOpBatch.Quartz)]
    public Task Quartz() => RunAsync(JobBody.Counted, NoOpBatch.Quartz);

    [Benchmark(OperationsPerInvoke = NoOpBatch.Ours)]
    public Task BackgroundTasksTracked() => RunAsync(JobBody.Counted, NoOpBatch.Ours);

    [Benchmark(OperationsPerInvoke = NoOpBatch.Ours)]
    public Task BackgroundTasksTrackedOneWorker() => RunAsync(JobBody.Counted, NoOpBatch.Ours);

    [Benchmark(OperationsPerInvoke = NoOpBatch.Ours)]
    public Task BackgroundTasksUserStore() => RunAsync(JobBody.Counted, NoOpBatch.Ours);
}
