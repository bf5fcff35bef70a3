using System.Diagnostics;
using System.Globalization;

namespace BackgroundTasks.Benchmarks.Durable;

/// <summary>
/// The <c>--durable</c> mode: every contender on SQLite files of its own, each in a child process of its own, then
/// the kill measurement for the job systems, then one table per measurement. Outside BenchmarkDotNet, because every
/// run needs fresh files and a kill needs real processes.
/// </summary>
public static class DurableRun
{
    /// <summary>The flag of this mode.</summary>
    public const string Flag = "--durable";

    /// <summary>Runs the benchmarks and prints the report.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var settings = DurableSettings.Parse(args.Skip(1));
        var root = Path.Combine(Path.GetTempPath(), "bt-durable-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        try
        {
            DurableReport.PrintHeader(settings, root);
            var results = new List<DurableResult>();
            foreach (var kind in settings.Contenders)
            {
                results.Add(await MeasureAsync(kind, settings, Directory.CreateDirectory(Path.Combine(root, kind.ToString())).FullName));
            }

            var kills = new List<KillResult>();
            foreach (var kind in settings.Kill ? settings.Contenders.Where(static k => DurableContenders.IsJobSystem(k) && k != DurableContender.BackgroundTasksBulk) : [])
            {
                kills.Add(await KillAsync(kind, shared: false, settings, root));
            }

            // Only BackgroundTasks shares a file between running hosts as it is configured here: Quartz would need its
            // clustered mode, and a Hangfire server frees another's job only after the same InvisibilityTimeout.
            foreach (var kind in settings.Kill ? settings.Contenders.Where(static k => k == DurableContender.BackgroundTasks) : [])
            {
                kills.Add(await KillAsync(kind, shared: true, settings, root));
            }

            DurableReport.PrintTables(settings, results, kills);
            return results.Any(static r => r.Error is not null) ? 1 : 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<DurableResult> MeasureAsync(DurableContender kind, DurableSettings settings, string folder)
    {
        var jobs = settings.JobsFor(kind);
        Console.WriteLine(DurableContenders.IsJobSystem(kind)
            ? $"{kind}: {jobs:N0} jobs end to end, {settings.Samples:N0} latency probes ..."
            : $"{kind}: {jobs:N0} jobs ...");
        var started = Stopwatch.GetTimestamp();
        using var child = BenchmarkProcess.Start(
            DurableChild.Flag,
            kind.ToString(),
            Invariant(jobs),
            Invariant(settings.Samples),
            Invariant(settings.PauseMilliseconds),
            Invariant(settings.Producers),
            Invariant(settings.Workers),
            folder);
        var output = await child.StandardOutput.ReadToEndAsync();
        await child.WaitForExitAsync();
        var load = DurableReport.LoadAverage();
        var line = output.Split('\n').FirstOrDefault(static l => l.StartsWith(DurableChild.ResultPrefix, StringComparison.Ordinal));
        Console.WriteLine($"{kind}: done in {Stopwatch.GetElapsedTime(started).TotalSeconds:N0} s (load {load})");
        if (child.ExitCode != 0 || line is null)
        {
            Console.WriteLine(output);
            return new DurableResult(kind, jobs, double.NaN, double.NaN, double.NaN, 0, 0, load, $"child exited with {child.ExitCode}");
        }

        var values = line.Split(' ').Skip(1).Select(static v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        return new DurableResult(kind, jobs, values[0], values[1], values[2], (long)values[3], (long)values[4], load, null);
    }

    private static async Task<KillResult> KillAsync(DurableContender kind, bool shared, DurableSettings settings, string root)
    {
        var what = shared ? "kill, other host on the file" : "kill and restart";
        Console.WriteLine($"{what}: {kind} ...");
        var folder = Directory.CreateDirectory(Path.Combine(root, kind + (shared ? "-shared" : "-kill"))).FullName;
        var outcome = shared
            ? await KillRecovery.MeasureSharedAsync(kind, folder, settings.Lease)
            : await KillRecovery.MeasureRestartAsync(kind, folder, settings.Lease);
        var result = new KillResult(kind, shared, outcome, DurableReport.LoadAverage());
        Console.WriteLine($"{what}: {kind} done ({outcome.Failure ?? DurableReport.Seconds(outcome.Running)}; load {result.Load})");
        return result;
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
