using System.Diagnostics;

namespace BackgroundTasks.Benchmarks.Postgres;

/// <summary>
/// What every contender's job runs, so that all of them are timed the same way. The no-op job only counts itself:
/// with several host processes on one database a job runs in whichever process claims it, so each process counts
/// the jobs it ran and when the last one finished, and the parent adds the counts up. With
/// <see cref="WorkMilliseconds"/> set, it first waits that long without using CPU (an awaited
/// <see cref="Task.Delay(int)"/>), as a job that calls another service would.
/// </summary>
public static class PgJobBodies
{
    /// <summary>The line a <see cref="PgJob.UntilKilled"/> job writes to standard output when it starts.</summary>
    public const string StartedLine = "job started";

    private static long s_ran;
    private static long s_lastRanAt;
    private static TaskCompletionSource<long>? s_probe;

    /// <summary>
    /// Gets or sets how long each no-op job waits (an awaited <see cref="Task.Delay(int)"/>) before it counts itself;
    /// 0, the default, for no wait. Set once, before the contender starts.
    /// </summary>
    public static int WorkMilliseconds { get; set; }

    /// <summary>Gets how many no-op jobs this process has run.</summary>
    public static long Ran => Volatile.Read(ref s_ran);

    /// <summary>
    /// Gets the <see cref="Stopwatch"/> timestamp at which the latest no-op job of this process finished. On Linux it
    /// reads the system's monotonic clock, so the parent can compare it with its own timestamps.
    /// </summary>
    public static long LastRanAt => Volatile.Read(ref s_lastRanAt);

    /// <summary>Arms the probe: the returned task completes with the timestamp at which the next probe job starts.</summary>
    public static Task<long> ArmProbe()
    {
        var probe = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref s_probe, probe);
        return probe.Task;
    }

    /// <summary>Runs the body of <paramref name="job"/>.</summary>
    public static Task RunAsync(PgJob job, CancellationToken cancellationToken)
    {
        switch (job)
        {
            case PgJob.Probe:
                Volatile.Read(ref s_probe)?.TrySetResult(Stopwatch.GetTimestamp());
                return Task.CompletedTask;
            case PgJob.UntilKilled:
                return UntilKilledAsync(cancellationToken);
            default:
                if (WorkMilliseconds > 0)
                {
                    return WorkThenCountAsync(WorkMilliseconds, cancellationToken);
                }

                Count();
                return Task.CompletedTask;
        }
    }

    /// <summary>Runs the body of <paramref name="job"/> on the calling thread (for job systems whose jobs are synchronous methods).</summary>
    public static void Run(PgJob job, CancellationToken cancellationToken) => RunAsync(job, cancellationToken).GetAwaiter().GetResult();

    private static void Count()
    {
        // The time first, then the count: whoever reads the count afterwards reads a time at least as late.
        var now = Stopwatch.GetTimestamp();
        var last = Volatile.Read(ref s_lastRanAt);
        while (now > last)
        {
            var seen = Interlocked.CompareExchange(ref s_lastRanAt, now, last);
            if (seen == last)
            {
                break;
            }

            last = seen;
        }

        Interlocked.Increment(ref s_ran);
    }

    private static async Task WorkThenCountAsync(int milliseconds, CancellationToken cancellationToken)
    {
        await Task.Delay(milliseconds, cancellationToken);
        Count();
    }

    private static async Task UntilKilledAsync(CancellationToken cancellationToken)
    {
        Console.Out.WriteLine(StartedLine);
        Console.Out.Flush();
        await Task.Delay(Timeout.Infinite, cancellationToken);
    }
}
