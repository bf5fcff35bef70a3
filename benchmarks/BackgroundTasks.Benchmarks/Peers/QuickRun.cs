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
    /// <summary>Runs <c>--quick [jobs] [contender ...]</c>; defaults: 1,000,000 jobs, raw Channel and both BackgroundTasks modes.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var jobs = args.Length > 1 && int.TryParse(args[1], CultureInfo.InvariantCulture, out var n) ? n : 1_000_000;
        var kinds = args.Skip(2).Select(static a => Enum.Parse<Contender>(a, ignoreCase: true)).ToList();
        if (kinds.Count == 0)
        {
            kinds = [Contender.RawChannel, Contender.BackgroundTasks, Contender.BackgroundTasksNoStore];
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{jobs:N0} no-op jobs per round, 7 rounds, median\n\n| Contender | ns/job | jobs/s | CPU ns/job | B/job |\n|---|---:|---:|---:|---:|"));
        foreach (var kind in kinds)
        {
            var times = new List<double>();
            var bytes = new List<double>();
            var cpu = new List<double>();
            for (var round = 0; round < 7; round++)
            {
                // A fresh contender per round, as in the BenchmarkDotNet suite, so that every round starts from an empty store.
                await using var contender = await Contenders.StartAsync(kind);
                var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
                var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                var started = Stopwatch.GetTimestamp();
                await contender.RunAsync(JobBody.Counted, jobs);
                var elapsed = Stopwatch.GetElapsedTime(started);
                bytes.Add((GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / (double)jobs);
                times.Add(elapsed.TotalNanoseconds / jobs);
                cpu.Add((Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalNanoseconds / jobs);
            }

            times.Sort();
            bytes.Sort();
            cpu.Sort();
            var ns = times[times.Count / 2];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {kind} | {ns:N1} | {1e9 / ns:N0} | {cpu[cpu.Count / 2]:N0} | {bytes[bytes.Count / 2]:N0} |"));
        }

        return 0;
    }
}
