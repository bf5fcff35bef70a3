using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;

namespace BackgroundTasks.Benchmarks.Partitioning;

/// <summary>
/// A loop whose item cost grows with the index: item <c>i</c> repeats the uniform work <c>1 + i / Step</c>
/// times, so the last items cost about 100 times the first. A static split leaves one core idle half the time.
/// </summary>
[MemoryDiagnoser]
public class SkewedWorkBenchmark
{
    private const int Count = 200_000;
    private const int Step = 2_000;
    private readonly object _gate = new();

    [Benchmark(Baseline = true)]
    public double Sequential()
    {
        var sum = 0.0;
        for (var i = 0; i < Count; i++)
        {
            sum += Workloads.Skewed(i, Step);
        }

        return sum;
    }

    [Benchmark]
    public double ParallelFor()
    {
        var total = 0.0;
        Parallel.For(
            0,
            Count,
            () => 0.0,
            (i, _, local) => local + Workloads.Skewed(i, Step),
            local =>
            {
                lock (_gate)
                {
                    total += local;
                }
            });
        return total;
    }

    [Benchmark]
    public double ParallelForEachPartitioner()
    {
        var total = 0.0;
        Parallel.ForEach(
            Partitioner.Create(0, Count),
            () => 0.0,
            (range, _, local) =>
            {
                for (var i = range.Item1; i < range.Item2; i++)
                {
                    local += Workloads.Skewed(i, Step);
                }

                return local;
            },
            local =>
            {
                lock (_gate)
                {
                    total += local;
                }
            });
        return total;
    }

    [Benchmark]
    public double Plinq() => ParallelEnumerable.Range(0, Count).Sum(static i => Workloads.Skewed(i, Step));

    [Benchmark]
    public double ParallelWorkRange() => SumByRanges(options: null);

    [Benchmark]
    public double ParallelWorkPerItem()
        => ParallelWork.Aggregate(0, Count, static () => 0.0, static (i, local) => local + Workloads.Skewed(i, Step), static (a, b) => a + b);

    /// <summary>The same range body with fixed-size chunks (<see cref="PartitionChunking.Dynamic"/>) instead of the default guided ones.</summary>
    [Benchmark]
    public double ParallelWorkRangeDynamic() => SumByRanges(new PartitionOptions { Chunking = PartitionChunking.Dynamic });

    private static double SumByRanges(PartitionOptions? options)
        => ParallelWork.AggregateRange(
            0,
            Count,
            static () => 0.0,
            static (from, to, local) =>
            {
                for (var i = from; i < to; i++)
                {
                    local += Workloads.Skewed(i, Step);
                }

                return local;
            },
            static (a, b) => a + b,
            options);
}
