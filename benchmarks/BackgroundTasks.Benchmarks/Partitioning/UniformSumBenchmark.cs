using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;

namespace BackgroundTasks.Benchmarks.Partitioning;

/// <summary>Sum of <c>Math.Sqrt(x) * Math.Sin(x)</c> over 50 million doubles: every item costs the same.</summary>
[MemoryDiagnoser]
public class UniformSumBenchmark
{
    private const int Count = 50_000_000;
    private readonly object _gate = new();
    private double[] _data = [];

    [GlobalSetup]
    public void Setup()
    {
        _data = new double[Count];
        for (var i = 0; i < _data.Length; i++)
        {
            _data[i] = i * 0.001;
        }
    }

    [Benchmark(Baseline = true)]
    public double Sequential()
    {
        var data = _data;
        var sum = 0.0;
        for (var i = 0; i < data.Length; i++)
        {
            sum += Workloads.Uniform(data[i]);
        }

        return sum;
    }

    [Benchmark]
    public double ParallelFor()
    {
        var data = _data;
        var total = 0.0;
        Parallel.For(
            0,
            data.Length,
            () => 0.0,
            (i, _, local) => local + Workloads.Uniform(data[i]),
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
        var data = _data;
        var total = 0.0;
        Parallel.ForEach(
            Partitioner.Create(0, data.Length),
            () => 0.0,
            (range, _, local) =>
            {
                // A span over the chunk: the JIT drops the bounds checks, as it does in the sequential loop.
                foreach (var x in data.AsSpan(range.Item1, range.Item2 - range.Item1))
                {
                    local += Workloads.Uniform(x);
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

    /// <summary>
    /// The machine's ceiling, not a contender: the array cut into one equal part per core, each summed by a
    /// dedicated thread with the sequential loop, no scheduling at all. Whatever separates it from 2× the
    /// sequential loop is the hardware running two busy cores, not a partitioner.
    /// </summary>
    [Benchmark]
    public double CeilingEqualPartsOnThreads()
    {
        var data = _data;
        var parts = Environment.ProcessorCount;
        var sums = new double[parts];
        var threads = new Thread[parts];
        for (var p = 0; p < parts; p++)
        {
            var part = p;
            threads[p] = new Thread(() =>
            {
                var from = (int)((long)data.Length * part / parts);
                var to = (int)((long)data.Length * (part + 1) / parts);
                var sum = 0.0;
                for (var i = from; i < to; i++)
                {
                    sum += Workloads.Uniform(data[i]);
                }

                sums[part] = sum;
            });
            threads[p].Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        return sums.Sum();
    }

    [Benchmark]
    public double Plinq() => _data.AsParallel().Sum(Workloads.Uniform);

    [Benchmark]
    public double ParallelWorkRange() => SumByRanges(options: null);

    [Benchmark]
    public double ParallelWorkPerItem()
    {
        var data = _data;
        return ParallelWork.Aggregate(0, data.Length, static () => 0.0, (i, local) => local + Workloads.Uniform(data[i]), static (a, b) => a + b);
    }

    /// <summary>The same range body with fixed-size chunks (<see cref="PartitionChunking.Dynamic"/>) instead of the default guided ones.</summary>
    [Benchmark]
    public double ParallelWorkRangeDynamic() => SumByRanges(new PartitionOptions { Chunking = PartitionChunking.Dynamic });

    private double SumByRanges(PartitionOptions? options)
    {
        var data = _data;
        return ParallelWork.AggregateRange(
            0,
            data.Length,
            static () => 0.0,
            (from, to, local) =>
            {
                // The same chunk body as ParallelForEachPartitioner's.
                foreach (var x in data.AsSpan(from, to - from))
                {
                    local += Workloads.Uniform(x);
                }

                return local;
            },
            static (a, b) => a + b,
            options);
    }
}
