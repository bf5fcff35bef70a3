using System.Diagnostics;

namespace BackgroundTasks.Benchmarks.Durable;

/// <summary>
/// Time from killing a host to a recoverable job running again: a <see cref="DurableHost"/> child picks a long job
/// up, is killed with its whole process tree, and a new host is started at once on the same file; the clock runs
/// from the moment the killed process has exited until the job writes that it started again, capped at
/// <see cref="DurableSettings.KillCap"/>.
/// </summary>
public static class KillRecovery
{
    /// <summary>What one kill measurement found.</summary>
    /// <param name="Ready">From the kill to the new host's contender having started; null if it did not within the cap.</param>
    /// <param name="Running">From the kill to the job running again; null if it did not within the cap.</param>
    /// <param name="Failure">Why there is no measurement (the first host never ran the job), or null.</param>
    public sealed record Outcome(TimeSpan? Ready, TimeSpan? Running, string? Failure);

    /// <summary>Measures <paramref name="kind"/> on a fresh file in <paramref name="folder"/>.</summary>
    public static async Task<Outcome> MeasureAsync(DurableContender kind, string folder)
    {
        var file = Path.Combine(folder, "kill.db");
        var cap = Stopwatch.GetTimestamp() + (long)(DurableSettings.KillCap.TotalSeconds * Stopwatch.Frequency);
        using (var first = BenchmarkProcess.Start(DurableHost.Flag, kind.ToString(), file, "enqueue"))
        {
            var started = await BenchmarkProcess.WaitForLineAsync(first, DurableJobBodies.StartedLine, cap);
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync();
            if (started is null)
            {
                return new Outcome(null, null, $"the first host did not start the job within {DurableSettings.KillCap.TotalSeconds:N0} s");
            }
        }

        var killedAt = Stopwatch.GetTimestamp();
        var deadline = killedAt + (long)(DurableSettings.KillCap.TotalSeconds * Stopwatch.Frequency);
        using var second = BenchmarkProcess.Start(DurableHost.Flag, kind.ToString(), file);
        try
        {
            var ready = await BenchmarkProcess.WaitForLineAsync(second, DurableHost.ReadyLine, deadline);
            var running = ready is null ? null : await BenchmarkProcess.WaitForLineAsync(second, DurableJobBodies.StartedLine, deadline);
            return new Outcome(Since(killedAt, ready), Since(killedAt, running), null);
        }
        finally
        {
            second.Kill(entireProcessTree: true);
            await second.WaitForExitAsync();
        }
    }

    private static TimeSpan? Since(long from, long? to) => to is { } at ? Stopwatch.GetElapsedTime(from, at) : null;
}
