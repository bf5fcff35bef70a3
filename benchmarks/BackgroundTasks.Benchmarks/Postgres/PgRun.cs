using System.Diagnostics;
using System.Globalization;
using BackgroundTasks.Benchmarks.Durable;

namespace BackgroundTasks.Benchmarks.Postgres;

/// <summary>
/// The <c>--postgres</c> mode: every contender on one PostgreSQL server, each measurement in a fresh database of its
/// own and every host in a child process of its own (<see cref="PgHost"/>), then one table per measurement. Outside
/// BenchmarkDotNet, because every run needs a fresh database and several hosts need real processes.
/// </summary>
public static class PgRun
{
    /// <summary>The flag of this mode.</summary>
    public const string Flag = "--postgres";

    /// <summary>The host name of the host the kill measurement kills.</summary>
    public const string KilledHost = "bench-killed";

    /// <summary>The host name of the host that runs the killed host's job.</summary>
    public const string OtherHost = "bench-other";

    /// <summary>Runs the benchmarks and prints the report.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var settings = PgSettings.Parse(args.Skip(1));
        var server = PgServer.FromEnvironment();
        await PgReport.PrintHeaderAsync(args, settings, server);
        var results = new List<PgResult>();
        foreach (var kind in settings.Contenders)
        {
            results.Add(await MeasureAsync(kind, settings, server));
        }

        PgReport.PrintTables(settings, results);
        return results.Any(static r => (r.OneHost.Error ?? r.Hosts.Error ?? r.Latency.Error ?? r.Idle.Error ?? r.Kill?.Error) is not null) ? 1 : 0;
    }

    private static async Task<PgResult> MeasureAsync(PgContender kind, PgSettings settings, PgServer server)
    {
        var jobs = settings.JobsFor(kind);
        var one = await MeasureOneAsync(kind, "1 host", server, "e2e1", (_, cs) => EndToEndAsync(kind, cs, 1, jobs, settings));
        var several = await MeasureOneAsync(kind, $"{settings.Hosts} hosts", server, "e2e" + settings.Hosts.ToString(CultureInfo.InvariantCulture), (_, cs) => EndToEndAsync(kind, cs, settings.Hosts, jobs, settings));
        var latency = await MeasureOneAsync(kind, "latency", server, "latency", (_, cs) => LatencyAsync(kind, cs, settings));
        var idle = await MeasureOneAsync(kind, "idle", server, "idle", (name, cs) => IdleAsync(kind, name, cs, server, settings));
        var kill = settings.Kill ? await MeasureOneAsync(kind, "kill", server, "kill", (_, cs) => KillAsync(kind, cs)) : null;
        return new PgResult(kind, jobs, one, several, latency, idle, kill);
    }

    /// <summary>Runs one measurement in a fresh database, which it drops afterwards, and prints how it went.</summary>
    private static async Task<PgFigure> MeasureOneAsync(PgContender kind, string what, PgServer server, string measurement, Func<string, string, Task<(double Value, double Detail)>> measure)
    {
        Console.WriteLine($"{kind}, {what} ...");
        var started = Stopwatch.GetTimestamp();
        var database = await server.CreateDatabaseAsync(kind, measurement);
        PgFigure figure;
        try
        {
            var (value, detail) = await measure(database, server.ConnectionString(database));
            figure = new PgFigure(value, detail, DurableReport.LoadAverage(), null);
        }
        catch (Exception exception) when (exception is InvalidOperationException or TimeoutException or IOException)
        {
            figure = PgFigure.Failed(exception.Message, DurableReport.LoadAverage());
        }
        finally
        {
            await server.DropDatabaseAsync(database);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{kind}, {what}: {figure.Error ?? $"{figure.Value:N2} ({figure.Detail:N2})"} in {Stopwatch.GetElapsedTime(started).TotalSeconds:N0} s, load {figure.Load}"));
        return figure;
    }

    /// <summary>
    /// Starts <paramref name="hosts"/> hosts one after the other (schemas are created by the first), warms each up with
    /// a quarter of its share of jobs, then has each enqueue its share of <paramref name="jobs"/> from its producer threads, and times
    /// from the commands to the last job any host ran. Only these hosts get <see cref="PgSettings.WorkMilliseconds"/>:
    /// the latency, idle and kill hosts run their jobs without the wait.
    /// </summary>
    private static async Task<(double, double)> EndToEndAsync(PgContender kind, string connectionString, int hosts, int jobs, PgSettings settings)
    {
        using var progress = new SemaphoreSlim(0);
        var started = new List<PgHostProcess>();
        try
        {
            for (var i = 0; i < hosts; i++)
            {
                var name = string.Create(CultureInfo.InvariantCulture, $"bench-{i + 1}");
                started.Add(await PgHostProcess.StartAsync(kind, connectionString, new PgHostSettings { HostName = name, Producers = settings.Producers, WorkMilliseconds = settings.WorkMilliseconds }, progress));
            }

            // Each host first runs a quarter of its share the way it runs the measured jobs (from its producer threads):
            // the measured run then starts on the code the runtime has optimised (tiered compilation), as a long-running host does.
            var warm = Math.Max(1, jobs / hosts / 4);
            foreach (var host in started)
            {
                await host.SendAsync(string.Create(CultureInfo.InvariantCulture, $"{PgHostCommand.Run} {warm}"));
            }

            await WaitForRanAsync(started, (long)warm * hosts, progress, "warm-up jobs");
            var from = Stopwatch.GetTimestamp();
            for (var i = 0; i < hosts; i++)
            {
                var share = (jobs / hosts) + (i < jobs % hosts ? 1 : 0);
                await started[i].SendAsync(string.Create(CultureInfo.InvariantCulture, $"{PgHostCommand.Run} {share}"));
            }

            await WaitForRanAsync(started, ((long)warm * hosts) + jobs, progress, "jobs");
            var elapsed = Stopwatch.GetElapsedTime(from, started.Max(static h => h.LastRanAt));
            foreach (var host in started)
            {
                await host.StopAsync();
            }

            return (jobs / elapsed.TotalSeconds, elapsed.TotalSeconds);
        }
        finally
        {
            foreach (var host in started)
            {
                await host.DisposeAsync();
            }
        }
    }

    private static async Task WaitForRanAsync(List<PgHostProcess> hosts, long target, SemaphoreSlim progress, string what)
    {
        var deadline = PgHostProcess.Deadline(PgSettings.RunCap);
        while (hosts.Sum(static h => h.Ran) < target)
        {
            if (hosts.Any(static h => h.HasExited))
            {
                throw new InvalidOperationException($"A host exited after {hosts.Sum(static h => h.Ran):N0} of {target:N0} {what} had run.");
            }

            var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            if (left <= TimeSpan.Zero || !await progress.WaitAsync(left))
            {
                throw new TimeoutException($"Only {hosts.Sum(static h => h.Ran):N0} of {target:N0} {what} ran within {PgSettings.RunCap.TotalMinutes:N0} min.");
            }
        }
    }

    private static async Task<(double, double)> LatencyAsync(PgContender kind, string connectionString, PgSettings settings)
    {
        using var progress = new SemaphoreSlim(0);
        await using var host = await PgHostProcess.StartAsync(kind, connectionString, new PgHostSettings(), progress);
        await host.SendAsync(string.Create(CultureInfo.InvariantCulture, $"{PgHostCommand.Probe} {settings.Samples} {settings.PauseMilliseconds}"));
        var answer = await host.WaitForLineAsync(PgHost.LatencyPrefix, PgHostProcess.Deadline(PgSettings.RunCap))
            ?? throw new TimeoutException($"The {kind} host did not answer its probes within {PgSettings.RunCap.TotalMinutes:N0} min.");
        await host.StopAsync();
        var values = answer.Line[PgHost.LatencyPrefix.Length..].Split(' ').Select(static v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        return (values[0], values[1]);
    }

    /// <summary>
    /// Starts one host on an empty database, lets it settle (its start-up statements reported), and counts the
    /// database's transactions over the idle window.
    /// </summary>
    private static async Task<(double, double)> IdleAsync(PgContender kind, string database, string connectionString, PgServer server, PgSettings settings)
    {
        using var progress = new SemaphoreSlim(0);
        await using var host = await PgHostProcess.StartAsync(kind, connectionString, new PgHostSettings(), progress);

        // Pauses, not waits for something: the host is left alone, and the clock is the measurement.
        await Task.Delay(settings.Settle);
        var (before, _) = await server.TransactionsAsync(database);
        var from = Stopwatch.GetTimestamp();
        await Task.Delay(settings.IdleWindow);
        var (after, connections) = await server.TransactionsAsync(database);
        var elapsed = Stopwatch.GetElapsedTime(from);
        await host.StopAsync();
        return ((after - before) / elapsed.TotalSeconds, connections);
    }

    /// <summary>
    /// A host picks up a job that runs until its process is killed; once it runs, a second host starts on the same
    /// database (after the claim, so it cannot take the job first); once that one is ready the first is killed with
    /// its whole process tree, and the clock runs from its exit until the job writes that it started on the second.
    /// </summary>
    private static async Task<(double, double)> KillAsync(PgContender kind, string connectionString)
    {
        using var progress = new SemaphoreSlim(0);
        await using var first = await PgHostProcess.StartAsync(kind, connectionString, new PgHostSettings { HostName = KilledHost }, progress);
        await first.SendAsync(PgHostCommand.UntilKilled);
        _ = await first.WaitForLineAsync(PgJobBodies.StartedLine, PgHostProcess.Deadline(PgSettings.KillCap))
            ?? throw new TimeoutException($"The first {kind} host did not start the job within {PgSettings.KillCap.TotalSeconds:N0} s.");
        await using var other = await PgHostProcess.StartAsync(kind, connectionString, new PgHostSettings { HostName = OtherHost }, progress);
        await first.KillAsync();
        var killedAt = Stopwatch.GetTimestamp();
        var running = await other.WaitForLineAsync(PgJobBodies.StartedLine, PgHostProcess.Deadline(PgSettings.KillCap));
        await other.StopAsync();
        return (running is { } line ? Stopwatch.GetElapsedTime(killedAt, line.At).TotalSeconds : double.NaN, double.NaN);
    }
}
