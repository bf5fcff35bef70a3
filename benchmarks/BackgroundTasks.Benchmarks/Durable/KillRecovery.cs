using System.Diagnostics;

namespace BackgroundTasks.Benchmarks.Durable;

/// <summary>
/// Time from killing a host to a recoverable job running again, two ways, each on a fresh file. Restart: a
/// <see cref="DurableHost"/> child picks a long job up, is killed with its whole process tree, and a new host is
/// started at once on the same file under the same host name. Shared file: a second host under another name is
/// already running on the file when the first is killed, and nothing is started after the kill. The clock runs
/// from the moment the killed process has exited until the job writes that it started again, capped at
/// <see cref="DurableSettings.KillCap"/>.
/// </summary>
public static class KillRecovery
{
    /// <summary>The host name of the killed host, and of the host that restarts in its place.</summary>
    public const string KilledHost = "bench-killed";

    /// <summary>The host name of the host that shares the file with the killed one.</summary>
    public const string OtherHost = "bench-other";

    /// <summary>What one kill measurement found.</summary>
    /// <param name="Ready">From the kill to the new host's contender having started (null for the shared file, whose host started before the kill, or if it did not within the cap).</param>
    /// <param name="Running">From the kill to the job running again; null if it did not within the cap.</param>
    /// <param name="Failure">Why there is no measurement (the first host never ran the job), or null.</param>
    public sealed record Outcome(TimeSpan? Ready, TimeSpan? Running, string? Failure);

    /// <summary>Kills the host running the job and starts a new one on the same file under the same host name.</summary>
    public static async Task<Outcome> MeasureRestartAsync(DurableContender kind, string folder, TimeSpan? lease)
    {
        var file = Path.Combine(folder, "kill.db");
        var host = new DurableHostSettings { HostName = KilledHost, LeaseDuration = lease };
        using (var first = BenchmarkProcess.Start(HostArgs(kind, file, host with { Enqueue = true })))
        {
            var started = await BenchmarkProcess.WaitForLineAsync(first, DurableJobBodies.StartedLine, Deadline(Stopwatch.GetTimestamp()));
            await KillAsync(first);
            if (started is null)
            {
                return new Outcome(null, null, NotStarted);
            }
        }

        var killedAt = Stopwatch.GetTimestamp();
        var deadline = Deadline(killedAt);
        using var second = BenchmarkProcess.Start(HostArgs(kind, file, host));
        try
        {
            var ready = await BenchmarkProcess.WaitForLineAsync(second, DurableHost.ReadyLine, deadline);
            var running = ready is null ? null : await BenchmarkProcess.WaitForLineAsync(second, DurableJobBodies.StartedLine, deadline);
            return new Outcome(Since(killedAt, ready), Since(killedAt, running), null);
        }
        finally
        {
            await KillAsync(second);
        }
    }

    /// <summary>
    /// Once the first host runs the job, starts a second host under another name on the file, waits until it is
    /// ready, kills the first, and times until the second runs the job: nothing starts after the kill, so only
    /// the killed host's lease can free the job. (The second host starts after the job did, so that it cannot
    /// claim the job first.)
    /// </summary>
    public static async Task<Outcome> MeasureSharedAsync(DurableContender kind, string folder, TimeSpan? lease)
    {
        var file = Path.Combine(folder, "shared.db");
        Process? other = null;
        try
        {
            using (var first = BenchmarkProcess.Start(HostArgs(kind, file, new DurableHostSettings { Enqueue = true, HostName = KilledHost, LeaseDuration = lease })))
            {
                var cap = Deadline(Stopwatch.GetTimestamp());
                var started = await BenchmarkProcess.WaitForLineAsync(first, DurableJobBodies.StartedLine, cap);
                if (started is not null)
                {
                    other = BenchmarkProcess.Start(HostArgs(kind, file, new DurableHostSettings { HostName = OtherHost, LeaseDuration = lease }));
                }

                var ready = other is null ? null : await BenchmarkProcess.WaitForLineAsync(other, DurableHost.ReadyLine, cap);
                await KillAsync(first);
                if (started is null || ready is null)
                {
                    return new Outcome(null, null, started is null ? NotStarted : $"the second host was not ready within {DurableSettings.KillCap.TotalSeconds:N0} s");
                }
            }

            var killedAt = Stopwatch.GetTimestamp();
            var running = await BenchmarkProcess.WaitForLineAsync(other!, DurableJobBodies.StartedLine, Deadline(killedAt));
            return new Outcome(null, Since(killedAt, running), null);
        }
        finally
        {
            if (other is not null)
            {
                await KillAsync(other);
                other.Dispose();
            }
        }
    }

    private static string NotStarted => $"the first host did not start the job within {DurableSettings.KillCap.TotalSeconds:N0} s";

    private static string[] HostArgs(DurableContender kind, string file, DurableHostSettings host) => [DurableHost.Flag, kind.ToString(), file, .. host.ToArgs()];

    private static async Task KillAsync(Process process)
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    private static long Deadline(long from) => from + (long)(DurableSettings.KillCap.TotalSeconds * Stopwatch.Frequency);

    private static TimeSpan? Since(long from, long? to) => to is { } at ? Stopwatch.GetElapsedTime(from, at) : null;
}
