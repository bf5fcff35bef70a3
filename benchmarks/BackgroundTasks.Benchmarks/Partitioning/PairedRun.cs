using System.Diagnostics;
using System.Globalization;

namespace BackgroundTasks.Benchmarks.Partitioning;

/// <summary>
/// The <c>--pairs</c> mode: the partitioning contenders measured in interleaved rounds, each round running
/// every parallel contender once, in a rotating order, each timed right next to a run of the sequential loop.
/// The speed of this VM's cores drifts from minute to minute, and BenchmarkDotNet measures one method after
/// the other, so a ratio between two of its rows compares two different minutes. Here every ratio is taken
/// between two runs a second apart, and the report gives the median and the quartiles of those ratios.
/// </summary>
public static class PairedRun
{
    /// <summary>Runs <c>--pairs [rounds] [uniform|skewed]</c>; defaults: 15 rounds, both workloads.</summary>
    public static int Run(string[] args)
    {
        var rounds = args.Length > 1 && int.TryParse(args[1], CultureInfo.InvariantCulture, out var n) ? n : 15;
        var only = args.Skip(2).FirstOrDefault();
        if (only is null or "skewed")
        {
            var skewed = new SkewedWorkBenchmark();
            Report("Skewed", rounds, skewed.Sequential, new()
            {
                ["ParallelFor"] = skewed.ParallelFor,
                ["ParallelForEachPartitioner"] = skewed.ParallelForEachPartitioner,
                ["ParallelWorkRange"] = skewed.ParallelWorkRange,
                ["ParallelWorkRangeDynamic"] = skewed.ParallelWorkRangeDynamic,
            });
        }

        if (only is null or "uniform")
        {
            var uniform = new UniformSumBenchmark();
            uniform.Setup();
            Report("Uniform", rounds, uniform.Sequential, new()
            {
                ["ParallelFor"] = uniform.ParallelFor,
                ["ParallelForEachPartitioner"] = uniform.ParallelForEachPartitioner,
                ["CeilingEqualPartsOnThreads"] = uniform.CeilingEqualPartsOnThreads,
                ["ParallelWorkRange"] = uniform.ParallelWorkRange,
                ["ParallelWorkRangeDynamic"] = uniform.ParallelWorkRangeDynamic,
            });
        }

        return 0;
    }

    private static void Report(string workload, int rounds, Func<double> sequential, Dictionary<string, Func<double>> contenders)
    {
        var expected = sequential();
        var names = contenders.Keys.ToList();

        // Warm up: every contender twice, so that tier-1 code is what the rounds measure.
        for (var i = 0; i < 2; i++)
        {
            foreach (var name in names)
            {
                Check(name, contenders[name](), expected);
            }
        }

        var ratios = names.ToDictionary(static name => name, static _ => new List<double>());
        var sequentialTimes = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            // Rotate the order so that no contender always runs first, and time the sequential loop next to
            // each contender, before it in one round and after it in the next, so that a drift cancels out.
            var order = names.Skip(round % names.Count).Concat(names.Take(round % names.Count)).ToList();
            for (var i = 0; i < order.Count; i++)
            {
                var name = order[i];
                double alone, time, result;
                if ((round + i) % 2 == 0)
                {
                    alone = Time(sequential, out _);
                    time = Time(contenders[name], out result);
                }
                else
                {
                    time = Time(contenders[name], out result);
                    alone = Time(sequential, out _);
                }

                Check(name, result, expected);
                sequentialTimes.Add(alone);
                ratios[name].Add(alone / time);
            }
        }

        sequentialTimes.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"\n{workload}: {rounds} interleaved rounds; sequential loop median {sequentialTimes[sequentialTimes.Count / 2]:N1} ms (min {sequentialTimes[0]:N1}, max {sequentialTimes[^1]:N1})\n"));
        Console.WriteLine("| Contender | speed-up over the sequential loop of its round: median | 25th pct | 75th pct | min | max |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var name in names)
        {
            var r = ratios[name];
            r.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {Percentile(r, 0.5):N2}× | {Percentile(r, 0.25):N2}× | {Percentile(r, 0.75):N2}× | {r[0]:N2}× | {r[^1]:N2}× |"));
        }
    }

    private static double Time(Func<double> body, out double result)
    {
        var started = Stopwatch.GetTimestamp();
        result = body();
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    private static void Check(string name, double result, double expected)
    {
        if (Math.Abs(result - expected) > Math.Abs(expected) * 1e-9)
        {
            throw new InvalidOperationException($"{name} summed {result}, the sequential loop {expected}.");
        }
    }

    private static double Percentile(List<double> sorted, double p)
    {
        var at = p * (sorted.Count - 1);
        var low = (int)Math.Floor(at);
        var high = (int)Math.Ceiling(at);
        return sorted[low] + ((sorted[high] - sorted[low]) * (at - low));
    }
}
