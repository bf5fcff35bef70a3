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
            kinds = [Contender.RawChannel, Contender.BackgroundTasks, Contender.BackgroundTasksNoStore];
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{jobs:N0} no-op jobs per round, BackgroundTasks capacity {PeerSettings.QueueCapacity:N0} and workers {PeerSettings.BackgroundTasksWorkers}, 7 rounds, median\n\n| Contender | ns/job | jobs/s | CPU ns/job | B/job | GCs gen0/1/2 per round | GC pause ns/job |\n|---|---:|---:|---:|---:|---|---:|"));
        foreach (var kind in kinds)
        {
            var times = new List<double>();
            var bytes = new List<double>();
            var cpu = new List<double>();
            var gcs = string.Empty;
            var pauses = new List<double>();
            for (var round = 0; round < 7; round++)
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
                bytes.Add((GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / (double)jobs);
                times.Add(elapsed.TotalNanoseconds / jobs);
                if (printRounds)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {kind} round {round + 1}: {elapsed.TotalNanoseconds / jobs:N1} ns/job"));
                }

                cpu.Add((Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalNanoseconds / jobs);
                pauses.Add((GC.GetTotalPauseDuration() - pauseBefore).TotalNanoseconds / jobs);
                gcs = $"{GC.CollectionCount(0) - gcBefore[0]}/{GC.CollectionCount(1) - gcBefore[1]}/{GC.CollectionCount(2) - gcBefore[2]}";
            }

            times.Sort();
            bytes.Sort();
            cpu.Sort();
            pauses.Sort();
            var ns = times[times.Count / 2];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {kind} | {ns:N1} | {1e9 / ns:N0} | {cpu[cpu.Count / 2]:N0} | {bytes[bytes.Count / 2]:N0} | {gcs} | {pauses[pauses.Count / 2]:N0} |"));
        }

        return 0;
    }
}
