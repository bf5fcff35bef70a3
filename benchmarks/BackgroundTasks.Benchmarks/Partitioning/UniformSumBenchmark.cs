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
                for (var i = range.Item1; i < range.Item2; i++)
                {
                    local += Workloads.Uniform(data[i]);
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
    public double Plinq() => _data.AsParallel().Sum(Workloads.Uniform);

    [Benchmark]
    public double ParallelWorkRange()
    {
        var data = _data;
        return ParallelWork.AggregateRange(
            0,
            data.Length,
            static () => 0.0,
            (from, to, local) =>
            {
                for (var i = from; i < to; i++)
                {
                    local += Workloads.Uniform(data[i]);
                }

                return local;
            },
            static (a, b) => a + b);
    }

    [Benchmark]
    public double ParallelWorkPerItem()
    {
        var data = _data;
        return ParallelWork.Aggregate(0, data.Length, static () => 0.0, (i, local) => local + Workloads.Uniform(data[i]), static (a, b) => a + b);
    }
}
