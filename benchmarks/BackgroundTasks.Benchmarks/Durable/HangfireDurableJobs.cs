namespace BackgroundTasks.Benchmarks.Durable;

/// <summary>The methods Hangfire's durable jobs call: Hangfire stores a call to a public method, not a delegate.</summary>
public static class HangfireDurableJobs
{
    /// <summary>A no-op job.</summary>
    public static void NoOp() => DurableJobBodies.Run(DurableJob.NoOp, CancellationToken.None);

    /// <summary>A latency probe.</summary>
    public static void Probe() => DurableJobBodies.Run(DurableJob.Probe, CancellationToken.None);

    /// <summary>A job that runs until its process is killed; Hangfire passes its shutdown token.</summary>
    public static void UntilKilled(CancellationToken cancellationToken) => DurableJobBodies.Run(DurableJob.UntilKilled, cancellationToken);
}
