using System.Globalization;
using System.Runtime.InteropServices;
using BackgroundTasks.Benchmarks.Durable;

namespace BackgroundTasks.Benchmarks.Postgres;

/// <summary>Prints the PostgreSQL benchmarks' header (machine, date, commit, load, server, settings) and their tables.</summary>
public static class PgReport
{
    private static readonly CultureInfo s_invariant = CultureInfo.InvariantCulture;

    /// <summary>Prints what the run is, where and how.</summary>
    public static async Task PrintHeaderAsync(IEnumerable<string> args, PgSettings settings, PgServer server)
    {
        Console.WriteLine("# Job systems on PostgreSQL\n");
        Console.WriteLine($"- Command: dotnet run -c Release --project benchmarks/BackgroundTasks.Benchmarks -- {string.Join(' ', args)}");
        Console.WriteLine($"- Machine: {DurableReport.CpuModel()}, {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
        Console.WriteLine($"- Date: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC; commit {DurableReport.Commit()}; load average at start {DurableReport.LoadAverage()}");
        Console.WriteLine($"- Server: {(await server.DescribeAsync()).Replace("\n", "; settings not at their defaults, and a few that are: ", StringComparison.Ordinal)}");
        Console.WriteLine(string.Create(s_invariant, $"- Every measurement runs in a fresh database of its own (CREATE DATABASE, dropped afterwards), every host in a process of its own with {Environment.ProcessorCount} workers"));
        Console.WriteLine(string.Create(s_invariant, $"- End to end: {settings.Jobs:N0} jobs for Hangfire and Quartz, {settings.FastJobs:N0} for BackgroundTasks, with 1 host and with {settings.Hosts} hosts on one database; the hosts start one after the other, each first runs a warm-up the same way (a quarter of its share of the jobs, from its producer threads), then each enqueues its share from {settings.Producers} threads, one job at a time each; timed from the command to the last job any host ran"));
        if (settings.WorkMilliseconds > 0)
        {
            Console.WriteLine(string.Create(s_invariant, $"- Work: every end-to-end job, warm-up jobs included, waits {settings.WorkMilliseconds} ms without using CPU before it counts itself (each contender's wait is under Settings), so a host's {Environment.ProcessorCount} workers run at most {settings.Ideal(1):N0} jobs/s; slot-bound ideal: hosts × workers × 1000 / work-ms jobs/s. The latency, idle and kill jobs do not wait"));
        }

        Console.WriteLine(string.Create(s_invariant, $"- Latency: one host; {settings.Samples:N0} probes one at a time (20 unrecorded first), each after a {settings.PauseMilliseconds} ms pause, from the enqueue call to the job's first line"));
        Console.WriteLine(string.Create(s_invariant, $"- Idle: one host started on an empty database, left {settings.Settle.TotalSeconds:N0} s to settle, then the database's transactions (pg_stat_database xact_commit + xact_rollback) over {settings.IdleWindow.TotalSeconds:N0} s; backends report their counts at most once a second while busy and within about 10 s of going idle"));
        Console.WriteLine(string.Create(s_invariant, $"- Kill: a host runs a job that runs until it is killed; a second host starts on the database, and once it is ready the first is killed (Process.Kill, whole tree); time from the kill to the job starting on the second host, capped at {PgSettings.KillCap.TotalSeconds:N0} s"));
        Console.WriteLine("- Settings:");
        foreach (var kind in settings.Contenders)
        {
            var wait = settings.WorkMilliseconds > 0 ? string.Create(s_invariant, $"; the {settings.WorkMilliseconds} ms wait: {PgContenders.WorkWait(kind)}") : string.Empty;
            Console.WriteLine($"  - {kind}: {PgContenders.Settings(kind)}{wait}");
        }

        Console.WriteLine();
    }

    /// <summary>Prints one table per measurement.</summary>
    public static void PrintTables(PgSettings settings, IReadOnlyList<PgResult> results)
    {
        const string Ratio = "Ratio: the row's value ÷ the better of Hangfire's and Quartz's in this run.";
        var work = settings.WorkMilliseconds > 0;
        var (oneIdeal, severalIdeal) = (settings.Ideal(1), settings.Ideal(settings.Hosts));
        var jobsAre = work ? string.Create(s_invariant, $"jobs/s, each job waiting {settings.WorkMilliseconds} ms,") : "no-op jobs/s,";
        var idealHeads = work ? string.Create(s_invariant, $" 1 host ÷ ideal ({oneIdeal:N0}) | {settings.Hosts} hosts ÷ ideal ({severalIdeal:N0}) |") : string.Empty;
        Console.WriteLine($"\n## End-to-end {jobsAre} 1 host and {settings.Hosts} hosts\n");
        Console.WriteLine($"| Contender | Jobs | 1 host, jobs/s | Ratio to faster peer | {settings.Hosts} hosts, jobs/s | Ratio to faster peer | {settings.Hosts} hosts ÷ 1 host |{idealHeads} Load average, 1 host | Load average, {settings.Hosts} hosts |\n|---|---:|---:|---:|---:|---:|---:|{(work ? "---:|---:|" : string.Empty)}---|---|");
        var bestOne = Best(results, static r => r.OneHost, higherIsBetter: true);
        var bestSeveral = Best(results, static r => r.Hosts, higherIsBetter: true);
        foreach (var r in results)
        {
            var ideals = work ? $" {RatioOf(r.OneHost.Value, oneIdeal)} | {RatioOf(r.Hosts.Value, severalIdeal)} |" : string.Empty;
            Console.WriteLine(string.Create(s_invariant, $"| {r.Kind} | {r.Jobs:N0} | {Number(r.OneHost, "N0")} | {RatioOf(r.OneHost.Value, bestOne)} | {Number(r.Hosts, "N0")} | {RatioOf(r.Hosts.Value, bestSeveral)} | {RatioOf(r.Hosts.Value, r.OneHost.Value)} |{ideals} {r.OneHost.Load} | {r.Hosts.Load} |"));
        }

        if (work)
        {
            Console.WriteLine(string.Create(s_invariant, $"\nIdeal: the slot-bound limit, hosts × {Environment.ProcessorCount} workers × 1000 / {settings.WorkMilliseconds} ms = {oneIdeal:N0} jobs/s with 1 host and {severalIdeal:N0} with {settings.Hosts} ({severalIdeal / oneIdeal:N2}× the one host); no job system can do better; the shortfall is the time a worker spends on anything but the wait (claiming, recording the outcome, waiting for a core)."));
        }

        Console.WriteLine($"\n{Ratio}\n\n## Enqueue-to-start latency, ms (one host)\n");
        Console.WriteLine("| Contender | Samples | p50 | p99 | p50 ratio to faster peer | Load average (1/5/15 min) |\n|---|---:|---:|---:|---:|---|");
        var bestP50 = Best(results, static r => r.Latency, higherIsBetter: false);
        foreach (var r in results)
        {
            var p99 = double.IsNaN(r.Latency.Detail) ? "—" : (r.Latency.Detail / 1000).ToString("N2", s_invariant);
            Console.WriteLine(string.Create(s_invariant, $"| {r.Kind} | {settings.Samples:N0} | {Number(r.Latency with { Value = r.Latency.Value / 1000 }, "N2")} | {p99} | {RatioOf(r.Latency.Value, bestP50)} | {r.Latency.Load} |"));
        }

        Console.WriteLine($"\n{Ratio}\n\n## An idle host: database transactions per second\n");
        Console.WriteLine("| Contender | Transactions/s | Connections held | Ratio to quieter peer | Load average (1/5/15 min) |\n|---|---:|---:|---:|---|");
        var bestIdle = Best(results, static r => r.Idle, higherIsBetter: false);
        foreach (var r in results)
        {
            var connections = double.IsNaN(r.Idle.Detail) ? "—" : r.Idle.Detail.ToString("N0", s_invariant);
            Console.WriteLine(string.Create(s_invariant, $"| {r.Kind} | {Number(r.Idle, "N1")} | {connections} | {RatioOf(r.Idle.Value, bestIdle)} | {r.Idle.Load} |"));
        }

        Console.WriteLine($"\n{Ratio} Connections: the database's backends at the end of the window (pg_stat_database.numbackends).");
        if (!results.Any(static r => r.Kill is not null))
        {
            return;
        }

        Console.WriteLine("\n## Time from killing a host mid-job to the job running on another host\n");
        Console.WriteLine("| Contender | What decides it | Job running again | Ratio to faster peer | Load average (1/5/15 min) |\n|---|---|---:|---:|---|");
        var bestKill = Best(results, static r => r.Kill, higherIsBetter: false);
        foreach (var r in results.Where(static r => r.Kill is not null))
        {
            var kill = r.Kill!;
            var value = kill.Error ?? (double.IsNaN(kill.Value) ? string.Create(s_invariant, $"> {PgSettings.KillCap.TotalSeconds:N0} s") : string.Create(s_invariant, $"{kill.Value:N2} s"));
            var ratio = kill.Error is null && double.IsNaN(kill.Value) && !double.IsNaN(bestKill)
                ? string.Create(s_invariant, $"> {PgSettings.KillCap.TotalSeconds / bestKill:N0}×")
                : RatioOf(kill.Value, bestKill);
            Console.WriteLine($"| {r.Kind} | {PgContenders.KillDecider(r.Kind)} | {value} | {ratio} | {kill.Load} |");
        }

        Console.WriteLine($"\n{Ratio} Times from the moment the killed process had exited; the second host was ready before the kill.");
    }

    private static double Best(IEnumerable<PgResult> results, Func<PgResult, PgFigure?> figure, bool higherIsBetter)
    {
        var peers = results.Where(static r => PgContenders.IsPeer(r.Kind)).Select(figure).Where(static f => f is { Error: null } && !double.IsNaN(f.Value)).Select(static f => f!.Value).ToList();
        return peers.Count == 0 ? double.NaN : higherIsBetter ? peers.Max() : peers.Min();
    }

    private static string RatioOf(double value, double best)
        => double.IsNaN(value) || double.IsNaN(best) || best == 0 ? "—" : string.Create(s_invariant, $"{value / best:N2}×");

    private static string Number(PgFigure figure, string format)
        => figure.Error is not null ? "failed: " + figure.Error : double.IsNaN(figure.Value) ? "—" : figure.Value.ToString(format, s_invariant);
}
