using System.Diagnostics;
using System.Globalization;

namespace BackgroundTasks.Benchmarks.Peers;

/// <summary>
/// The console modes that BenchmarkDotNet does not fit: enqueue-to-start latency percentiles
/// (<c>--latency</c>) and peak working set (<c>--memory</c>). Each contender runs in a child process of
/// its own, so that no contender's threads, timers or heap disturb another's numbers.
/// </summary>
public static class PeerReports
{
    private const string ChildFlag = "--child";
    private const int IdleGapMilliseconds = 50;
    private const int MemoryJobs = 200_000;
    private const int MemoryBatch = 1_000;

    // Coravel drains once a second: batches of 1,000 would take 200 s.
    private const int CoravelMemoryBatch = 50_000;

    /// <summary>
    /// The <c>--soak</c> mode, for profilers (<c>dotnet-trace collect -- ...</c>): runs batches of 10,000
    /// no-op jobs end to end in this process for a number of seconds (default 10).
    /// </summary>
    public static async Task<int> SoakAsync(string[] args)
    {
        var kind = args.Length > 1 ? Enum.Parse<Contender>(args[1], ignoreCase: true) : Contender.BackgroundTasks;
        var seconds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10;
        await using var contender = await Contenders.StartAsync(kind);
        var started = Stopwatch.GetTimestamp();
        long jobs = 0;
        while (Stopwatch.GetElapsedTime(started).TotalSeconds < seconds)
        {
            await contender.RunAsync(JobBody.Counted, 10_000);
            jobs += 10_000;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{kind}: {jobs / Stopwatch.GetElapsedTime(started).TotalSeconds:N0} jobs/s"));
        return 0;
    }

    /// <summary>Runs a console mode; returns the process exit code.</summary>
    /// <param name="args"><c>--latency</c> or <c>--memory</c>, optionally followed by contender names; or the child form.</param>
    public static async Task<int> RunAsync(string[] args)
    {
        if (args[0] == ChildFlag)
        {
            var kind = Enum.Parse<Contender>(args[2]);
            var row = args[1] == "--latency" ? await MeasureLatencyAsync(kind) : await MeasureMemoryAsync(kind);
            Console.WriteLine(row);
            return 0;
        }

        var chosen = args.Length > 1 ? args.Skip(1).Select(static a => Enum.Parse<Contender>(a, ignoreCase: true)).ToList() : Contenders.All;
        Console.WriteLine(args[0] == "--latency"
            ? $"Enqueue-to-start latency, µs (back to back: the next job is enqueued as soon as the previous one completes; idle: {IdleGapMilliseconds} ms pause before each job)\n\n"
                + "| Contender | Back-to-back samples | p50 | p99 | Idle-gap samples | p50 | p99 |\n|---|---:|---:|---:|---:|---:|---:|"
            : $"Memory over {MemoryJobs:N0} no-op jobs in batches of {MemoryBatch:N0} (Coravel: {CoravelMemoryBatch:N0}; each batch enqueued, then awaited)\n\n"
                + "| Contender | Jobs/s | Allocated B/job | Gen0/1/2 GCs | GC pause ns/job | Working set after start, MB | Peak working set, MB | Live heap after run, MB |\n|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var kind in chosen)
        {
            Console.WriteLine(await RunChildAsync(args[0], kind));
        }

        return 0;
    }

    private static async Task<string> RunChildAsync(string mode, Contender kind)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(PeerReports).Assembly.Location);
        }

        foreach (var arg in new[] { ChildFlag, mode, kind.ToString() })
        {
            start.ArgumentList.Add(arg);
        }

        using var child = Process.Start(start)!;
        var output = await child.StandardOutput.ReadToEndAsync();
        await child.WaitForExitAsync();
        var row = output.Split('\n').LastOrDefault(static l => l.StartsWith('|'));
        return child.ExitCode == 0 && row is not null ? row.TrimEnd() : $"| {kind} | failed (exit code {child.ExitCode}) |";
    }

    private static (int BackToBack, int Idle) LatencySamples(Contender kind) => kind switch
    {
        Contender.Coravel => (10, 10),
        Contender.Hangfire => (2_000, 100),
        Contender.Quartz => (5_000, 200),
        _ => (20_000, 200),
    };

    private static async Task<string> MeasureLatencyAsync(Contender kind)
    {
        var (backToBack, idle) = LatencySamples(kind);
        await using var contender = await Contenders.StartAsync(kind);
        await SampleAsync(contender, Math.Min(backToBack, 1_000), gapMilliseconds: 0);
        var hot = await SampleAsync(contender, backToBack, gapMilliseconds: 0);
        var cold = await SampleAsync(contender, idle, IdleGapMilliseconds);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"| {kind} | {hot.Length:N0} | {Percentile(hot, 0.50):N1} | {Percentile(hot, 0.99):N1} | {cold.Length:N0} | {Percentile(cold, 0.50):N1} | {Percentile(cold, 0.99):N1} |");
    }

    private static async Task<double[]> SampleAsync(IJobSystemContender contender, int count, int gapMilliseconds)
    {
        var samples = new double[count];
        for (var i = 0; i < count; i++)
        {
            if (gapMilliseconds > 0)
            {
                Thread.Sleep(gapMilliseconds);
            }

            Countdown.Reset(1);
            var enqueuedAt = Stopwatch.GetTimestamp();
            await contender.EnqueueAsync(JobBody.Probe);
            await Countdown.WaitAsync();
            samples[i] = Stopwatch.GetElapsedTime(enqueuedAt, JobBodies.ProbeStartedAt).TotalMicroseconds;
        }

        Array.Sort(samples);
        return samples;
    }

    private static double Percentile(double[] sorted, double p)
        => sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static async Task<string> MeasureMemoryAsync(Contender kind)
    {
        await using var contender = await Contenders.StartAsync(kind);
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        var afterStart = self.WorkingSet64;
        var gcs = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var paused = GC.GetTotalPauseDuration();
        var started = Stopwatch.GetTimestamp();
        var batch = kind == Contender.Coravel ? CoravelMemoryBatch : MemoryBatch;
        for (var done = 0; done < MemoryJobs; done += batch)
        {
            await contender.RunAsync(JobBody.Counted, batch);
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        var pausePerJob = (GC.GetTotalPauseDuration() - paused).TotalNanoseconds / MemoryJobs;
        var perJob = (double)(GC.GetTotalAllocatedBytes(precise: true) - allocated) / MemoryJobs;
        var gens = $"{GC.CollectionCount(0) - gcs.Item1}/{GC.CollectionCount(1) - gcs.Item2}/{GC.CollectionCount(2) - gcs.Item3}";
        self.Refresh();
        var peak = self.PeakWorkingSet64;
        var live = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(contender);
        const double MB = 1024 * 1024;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"| {kind} | {MemoryJobs / elapsed.TotalSeconds:N0} | {perJob:N0} | {gens} | {pausePerJob:N0} | {afterStart / MB:N1} | {peak / MB:N1} | {live / MB:N1} |");
    }
}
