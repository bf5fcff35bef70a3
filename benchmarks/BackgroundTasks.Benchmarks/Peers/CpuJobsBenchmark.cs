using BenchmarkDotNet.Attributes;

namespace BackgroundTasks.Benchmarks.Peers;

/// <summary>
/// Workload (c): jobs of about 50 µs of CPU work each, end to end, per job. The ShareOfIdeal column
/// divides the ideal time per job (one job's work / cores) by the measured time.
/// </summary>
[Config(typeof(CpuJobsConfig))]
public class CpuJobsBenchmark : PeerBenchmarkBase
{
    private const int N = 20_000;
    private const int HangfireN = 5_000;

    [Benchmark(Baseline = true, OperationsPerInvoke = N)]
    public Task RawChannel() => RunAsync(JobBody.Cpu, N);

    [Benchmark(OperationsPerInvoke = N)]
    public Task DocsPattern() => RunAsync(JobBody.Cpu, N);

    [Benchmark(OperationsPerInvoke = N)]
    public Task Coravel() => RunAsync(JobBody.Cpu, N);

    [Benchmark(OperationsPerInvoke = HangfireN)]
    public Task Hangfire() => RunAsync(JobBody.Cpu, HangfireN);

    [Benchmark(OperationsPerInvoke = N)]
    public Task Quartz() => RunAsync(JobBody.Cpu, N);

    [Benchmark(OperationsPerInvoke = N)]
    public Task BackgroundTasksTracked() => RunAsync(JobBody.Cpu, N);

    [Benchmark(OperationsPerInvoke = N)]
    public Task BackgroundTasksUserStore() => RunAsync(JobBody.Cpu, N);
}
