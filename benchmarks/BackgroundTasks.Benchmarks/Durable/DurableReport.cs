using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace BackgroundTasks.Benchmarks.Durable;

/// <summary>Prints the durable benchmarks' header (machine, date, commit, load, settings) and their tables.</summary>
public static class DurableReport
{
    private static readonly CultureInfo s_invariant = CultureInfo.InvariantCulture;

    /// <summary>Prints what the run is, where and how.</summary>
    public static void PrintHeader(DurableSettings settings, string root)
    {
        var probe = Path.Combine(root, "defaults.db");
        var sqlite = SqliteVersion(probe);
        var defaults = SqliteFiles.DefaultsOf(probe);
        Console.WriteLine("# Durable job stores on SQLite\n");
        Console.WriteLine($"- Machine: {CpuModel()}, {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, SQLite {sqlite}");
        Console.WriteLine($"- Date: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC; commit {Commit()}; load average at start {LoadAverage()}");
        Console.WriteLine($"- A new SQLite connection's defaults here: {defaults}; every contender below runs in WAL with synchronous=NORMAL");
        Console.WriteLine(string.Create(s_invariant, $"- End to end: {settings.Jobs:N0} jobs for Hangfire and Quartz, {settings.FastJobs:N0} for the others, enqueued by {settings.Producers} threads one job at a time each, timed until every job has run; after warm-up runs on other files (a few jobs one at a time, then the same run a quarter of the size)"));
        Console.WriteLine(string.Create(s_invariant, $"- Latency: {settings.Samples:N0} probes one at a time, each after a {settings.PauseMilliseconds} ms pause, from the enqueue call to the job's first line; on a fresh file"));
        Console.WriteLine("- Bytes on disk: the end-to-end file plus its -wal after the contender has stopped and a wal_checkpoint(TRUNCATE), divided by the jobs run");
        Console.WriteLine(string.Create(s_invariant, $"- Kill and restart: a child host picks up a long job, is killed (Process.Kill, whole tree) and is started again on the same file (BackgroundTasks: under the same HostName); time from the kill to the job running again, capped at {DurableSettings.KillCap.TotalSeconds:N0} s"));
        Console.WriteLine(string.Create(s_invariant, $"- Kill, other host on the file (BackgroundTasks): a second host under another HostName runs on the file when the first is killed, and nothing is started after the kill; time from the kill to the second host running the job, capped the same; lease {(settings.Lease is { } lease ? $"{lease.TotalSeconds:N1} s" : "the store's default")}"));
        Console.WriteLine("- Settings:");
        foreach (var kind in settings.Contenders)
        {
            Console.WriteLine($"  - {DurableContenders.Label(kind)}: {DurableContenders.Settings(kind, settings.Workers)}");
        }

        Console.WriteLine();
    }

    /// <summary>Prints one table per measurement.</summary>
    public static void PrintTables(DurableSettings settings, IReadOnlyList<DurableResult> results, IReadOnlyList<KillResult> kills)
    {
        const string Ratio = "Ratio: the row's value ÷ the better of Hangfire's and Quartz's in this run.";
        Console.WriteLine($"\n## End-to-end durable no-op jobs/s ({settings.Producers} producer threads)\n");
        Console.WriteLine("| Contender | Jobs | Jobs/s | Ratio to faster peer | Load average (1/5/15 min) |\n|---|---:|---:|---:|---|");
        var bestRate = Best(results, static r => r.JobsPerSecond, higherIsBetter: true);
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(s_invariant, $"| {DurableContenders.Label(r.Kind)} | {r.Jobs:N0} | {Number(r.JobsPerSecond, "N0")} | {RatioOf(r.JobsPerSecond, bestRate)} | {r.Load} |"));
        }

        Console.WriteLine($"\n{Ratio}");
        PrintCeilingRatios(results);
        Console.WriteLine("\n## Enqueue-to-start latency, ms\n");
        Console.WriteLine("| Contender | Samples | p50 | p99 | p50 ratio to faster peer | Load average (1/5/15 min) |\n|---|---:|---:|---:|---:|---|");
        var bestP50 = Best(results, static r => r.P50Microseconds, higherIsBetter: false);
        foreach (var r in results.Where(static r => DurableContenders.IsJobSystem(r.Kind)))
        {
            Console.WriteLine(string.Create(s_invariant, $"| {DurableContenders.Label(r.Kind)} | {settings.Samples:N0} | {Number(r.P50Microseconds / 1000, "N2")} | {Number(r.P99Microseconds / 1000, "N2")} | {RatioOf(r.P50Microseconds, bestP50)} | {r.Load} |"));
        }

        Console.WriteLine($"\n{Ratio}\n\n## Bytes on disk per finished job\n");
        Console.WriteLine("| Contender | Jobs | File + WAL, KiB | Empty schema, KiB | Bytes per job | Ratio to smaller peer | Net bytes per job | Load average (1/5/15 min) |\n|---|---:|---:|---:|---:|---:|---:|---|");
        var bestBytes = Best(results, static r => r.BytesPerJob, higherIsBetter: false);
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(s_invariant, $"| {DurableContenders.Label(r.Kind)} | {r.Jobs:N0} | {r.Bytes / 1024.0:N0} | {r.EmptyBytes / 1024.0:N0} | {Number(r.BytesPerJob, "N0")} | {RatioOf(r.BytesPerJob, bestBytes)} | {Number(r.NetBytesPerJob, "N0")} | {r.Load} |"));
        }

        Console.WriteLine($"\n{Ratio} Bytes per job = file + WAL ÷ jobs; net = (file + WAL − the empty schema) ÷ jobs. What stays depends on each one's retention: Hangfire keeps succeeded jobs (state history, parameters) until they expire after a day; Quartz deletes a non-durable job and its trigger once it has fired; BackgroundTasks.Sqlite keeps finished jobs up to 100,000 or a day.");
        if (kills.Count == 0)
        {
            return;
        }

        Console.WriteLine("\n## Time from killing a host to a recoverable job running again\n");
        Console.WriteLine("| Contender | What decides it | New host ready | Job running again | Ratio to faster peer | Load average (1/5/15 min) |\n|---|---|---:|---:|---:|---|");
        var peerKills = kills.Where(static k => !k.Shared && DurableContenders.IsPeer(k.Kind) && k.Outcome.Running is not null).Select(static k => k.Outcome.Running!.Value.TotalSeconds).ToList();
        var bestKill = peerKills.Count > 0 ? peerKills.Min() : double.NaN;
        foreach (var (kind, _, outcome, load) in kills.Where(static k => !k.Shared))
        {
            var value = outcome.Running?.TotalSeconds ?? double.NaN;
            var ratio = outcome.Failure is not null ? outcome.Failure : outcome.Running is null ? (double.IsNaN(bestKill) ? "—" : string.Create(s_invariant, $"> {DurableSettings.KillCap.TotalSeconds / bestKill:N0}×")) : RatioOf(value, bestKill);
            Console.WriteLine($"| {DurableContenders.Label(kind)} | {Decider(kind)} | {Seconds(outcome.Ready)} | {Seconds(outcome.Running)} | {ratio} | {load} |");
        }

        Console.WriteLine($"\n{Ratio} Times from the moment the killed process had exited; the new host was started at once.");
        var shared = kills.Where(static k => k.Shared).ToList();
        if (shared.Count > 0)
        {
            Console.WriteLine("\n## Time from killing a host to another host on the same file running its job\n");
            Console.WriteLine("| Contender | What decides it | Lease | Job running on the other host | Load average (1/5/15 min) |\n|---|---|---:|---:|---|");
            var lease = settings.Lease is { } l ? string.Create(s_invariant, $"{l.TotalSeconds:N1} s") : string.Create(s_invariant, $"{new BackgroundTasks.Sqlite.SqliteJobStoreOptions().LeaseDuration.TotalSeconds:N0} s (default)");
            foreach (var (kind, _, outcome, load) in shared)
            {
                Console.WriteLine($"| {DurableContenders.Label(kind)} | the killed host's lease expires; the other host's heartbeat (every lease ÷ 3) recovers the job, its next claim (poll interval, 1 s) runs it | {lease} | {outcome.Failure ?? Seconds(outcome.Running)} | {load} |");
            }

            Console.WriteLine("\nThe second host (another HostName) started once the first ran the job and was ready before the kill; times from the moment the killed process had exited.");
        }
    }

    /// <summary>Gets the 1, 5 and 15 minute load averages, or "n/a" where /proc/loadavg does not exist.</summary>
    public static string LoadAverage()
        => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>Formats a duration in seconds, or "> cap" for a missing one.</summary>
    public static string Seconds(TimeSpan? value)
        => value is { } v ? string.Create(s_invariant, $"{v.TotalSeconds:N2} s") : string.Create(s_invariant, $"> {DurableSettings.KillCap.TotalSeconds:N0} s");

    private static string Decider(DurableContender kind) => kind switch
    {
        DurableContender.Hangfire => "InvisibilityTimeout (30 min default): a fetched job is fetched again only after it",
        DurableContender.Quartz => "RequestRecovery: a starting scheduler re-fires the jobs its dead predecessor was running",
        _ => BackgroundTasksSqliteContender.EngineClaimsFromStore
            ? "start-up recovery: a host starting under the same HostName requeues its earlier instance's jobs at once"
            : "nothing yet: the engine does not claim from the store, so a killed job is not run again",
    };

    private static double Best(IEnumerable<DurableResult> results, Func<DurableResult, double> value, bool higherIsBetter)
    {
        var peers = results.Where(static r => DurableContenders.IsPeer(r.Kind)).Select(value).Where(static v => !double.IsNaN(v)).ToList();
        return peers.Count == 0 ? double.NaN : higherIsBetter ? peers.Max() : peers.Min();
    }

    private static string RatioOf(double value, double best)
        => double.IsNaN(value) || double.IsNaN(best) || best == 0 ? "—" : string.Create(s_invariant, $"{value / best:N2}×");

    private static string Number(double value, string format) => double.IsNaN(value) ? "—" : value.ToString(format, s_invariant);

    /// <summary>Gets the CPU's model name, or the architecture where /proc/cpuinfo does not exist.</summary>
    public static string CpuModel()
    {
        var line = File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(static l => l.StartsWith("model name", StringComparison.Ordinal)) : null;
        return line?.Split(':', 2)[1].Trim() ?? RuntimeInformation.ProcessArchitecture.ToString();
    }

    /// <summary>Gets the checked-out commit (<c>git describe --always --dirty</c>), or "unknown".</summary>
    public static string Commit()
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", "describe --always --dirty --abbrev=12") { RedirectStandardOutput = true, UseShellExecute = false });
            var commit = git!.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 && commit.Length > 0 ? commit : "unknown";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown (no git)";
        }
    }

    private static string SqliteVersion(string file)
    {
        using var connection = new SqliteConnection(SqliteFiles.ConnectionString(file));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sqlite_version()";
        return (string)command.ExecuteScalar()!;
    }

    /// <summary>Prints each BackgroundTasks row's jobs/s as a share of each ceiling of the same run.</summary>
    private static void PrintCeilingRatios(IReadOnlyList<DurableResult> results)
    {
        var ceilings = results.Where(static r => !DurableContenders.IsJobSystem(r.Kind)).ToList();
        foreach (var row in results.Where(static r => r.Kind is DurableContender.BackgroundTasks or DurableContender.BackgroundTasksBulk))
        {
            foreach (var ceiling in ceilings)
            {
                Console.WriteLine(string.Create(s_invariant, $"- {DurableContenders.Label(row.Kind)} ÷ {DurableContenders.Label(ceiling.Kind)}: {row.JobsPerSecond / ceiling.JobsPerSecond:N2}×"));
            }
        }
    }
}
