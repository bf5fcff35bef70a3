using System.Diagnostics;
using System.Globalization;

namespace BackgroundTasks.Benchmarks.Peers;

/// <summary>
/// The <c>--quick</c> mode: a fast feedback loop for work on the hot path, not a replacement for the
/// BenchmarkDotNet suite. For each named contender it runs several rounds of no-op jobs end to end in this
/// process and prints the median time and the bytes allocated per job.
/// </summary>
public static class QuickRun
{
    private const int Rounds = 7;

    /// <summary>
    /// Runs <c>--quick [jobs] [capacity=N] [workers=N] [rounds] [contender ...]</c>; defaults: 1,000,000 jobs, the default
    /// capacity, the raw Channel and both BackgroundTasks modes. <c>rounds</c> prints every round, not just the median.
    /// </summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var jobs = args.Length > 1 && int.TryParse(args[1], CultureInfo.InvariantCulture, out var n) ? n : 1_000_000;
        var rest = args.Skip(2).ToList();
        if (rest.FirstOrDefault(static a => a.StartsWith("capacity=", StringComparison.Ordinal)) is { } capacity)
        {
            PeerSettings.QueueCapacity = int.Parse(capacity["capacity=".Length..], CultureInfo.InvariantCulture);
            rest.Remove(capacity);
        }

        if (rest.FirstOrDefault(static a => a.StartsWith("workers=", StringComparison.Ordinal)) is { } workers)
        {
            PeerSettings.BackgroundTasksWorkers = int.Parse(workers["workers=".Length..], CultureInfo.InvariantCulture);
            rest.Remove(workers);
        }

        var printRounds = rest.Remove("rounds");
        var kinds = rest.Select(static a => Enum.Parse<Contender>(a, ignoreCase: true)).ToList();
        if (kinds.Count == 0)
        {
            kinds = [Contender.RawChannel, Contender.BackgroundTasks, Contender.BackgroundTasksUserStore];
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{jobs:N0} no-op jobs per round, BackgroundTasks capacity {PeerSettings.QueueCapacity:N0} and workers {PeerSettings.BackgroundTasksWorkers}, {Rounds} rounds, contenders interleaved, median\n"));
        var rounds = kinds.ToDictionary(static kind => kind, static _ => new List<Round>());
        for (var round = 0; round < Rounds; round++)
        {
            // Interleaved: every contender runs once per round, so that the ratios below compare runs a
            // second apart, not two different minutes of a machine whose speed drifts.
            foreach (var kind in kinds)
            {
                var measured = await MeasureAsync(kind, jobs);
                rounds[kind].Add(measured);
                if (printRounds)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  round {round + 1} {kind}: {measured.NsPerJob:N1} ns/job"));
                }
            }
        }

        Console.WriteLine("| Contender | ns/job | jobs/s | CPU ns/job | B/job | GCs gen0/1/2 per round | GC pause ns/job |\n|---|---:|---:|---:|---:|---|---:|");
        foreach (var kind in kinds)
        {
            var runs = rounds[kind];
            var ns = Median(runs.Select(static r => r.NsPerJob));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {kind} | {ns:N1} | {1e9 / ns:N0} | {Median(runs.Select(static r => r.CpuNsPerJob)):N0} | {Median(runs.Select(static r => r.BytesPerJob)):N0} | {runs[^1].Collections} | {Median(runs.Select(static r => r.PauseNsPerJob)):N0} |"));
        }

        if (kinds.Count > 1)
        {
            var baseline = kinds[0];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"\nThroughput against {baseline} in the same round ({baseline} ns/job ÷ contender ns/job):\n\n| Contender | median | min | max | per round |\n|---|---:|---:|---:|---|"));
            foreach (var kind in kinds.Skip(1))
            {
                var ratios = rounds[kind].Select((r, i) => rounds[baseline][i].NsPerJob / r.NsPerJob).ToList();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {kind} | {Median(ratios):N2}× | {ratios.Min():N2}× | {ratios.Max():N2}× | {string.Join(", ", ratios.Select(static x => x.ToString("N2", CultureInfo.InvariantCulture)))} |"));
            }
        }

        return 0;
    }

    private static async Task<Round> MeasureAsync(Contender kind, int jobs)
    {
        // A fresh contender per round, as in the BenchmarkDotNet suite, so that every round starts from an empty store.
        await using var contender = await Contenders.StartAsync(kind);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var pauseBefore = GC.GetTotalPauseDuration();
        int[] gcBefore = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        var started = Stopwatch.GetTimestamp();

        // As under BenchmarkDotNet: the producer starts on a thread of its own, not on the thread pool.
        // Wait for it without blocking a thread-pool thread, which would leave the pool a thread short.
        var produced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var producer = new Thread(() =>
        {
            contender.RunAsync(JobBody.Counted, jobs).GetAwaiter().GetResult();
            produced.SetResult();
        });
        producer.Start();
        await produced.Task;
        var elapsed = Stopwatch.GetElapsedTime(started);
        return new Round(
            elapsed.TotalNanoseconds / jobs,
            (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalNanoseconds / jobs,
            (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / (double)jobs,
            (GC.GetTotalPauseDuration() - pauseBefore).TotalNanoseconds / jobs,
            $"{GC.CollectionCount(0) - gcBefore[0]}/{GC.CollectionCount(1) - gcBefore[1]}/{GC.CollectionCount(2) - gcBefore[2]}");
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private sealed record Round(double NsPerJob, double CpuNsPerJob, double BytesPerJob, double PauseNsPerJob, string Collections);
}
