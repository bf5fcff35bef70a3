using BackgroundTasks.Benchmarks.Peers;

namespace BackgroundTasks.Benchmarks.Durable;

/// <summary>What every contender's job runs, so that all of them are timed the same way.</summary>
public static class DurableJobBodies
{
    /// <summary>The line a <see cref="DurableJob.UntilKilled"/> job writes to standard output when it starts.</summary>
    public const string StartedLine = "job started";

    /// <summary>Runs the body of <paramref name="job"/>.</summary>
    public static Task RunAsync(DurableJob job, CancellationToken cancellationToken)
    {
        switch (job)
        {
            case DurableJob.Probe:
                JobBodies.Probe();
                return Task.CompletedTask;
            case DurableJob.UntilKilled:
                return UntilKilledAsync(cancellationToken);
            default:
                JobBodies.Counted();
                return Task.CompletedTask;
        }
    }

    /// <summary>Runs the body of <paramref name="job"/> on the calling thread (for job systems whose jobs are synchronous methods).</summary>
    public static void Run(DurableJob job, CancellationToken cancellationToken) => RunAsync(job, cancellationToken).GetAwaiter().GetResult();

    private static async Task UntilKilledAsync(CancellationToken cancellationToken)
    {
        Console.Out.WriteLine(StartedLine);
        Console.Out.Flush();
        await Task.Delay(Timeout.Infinite, cancellationToken);
    }
}
