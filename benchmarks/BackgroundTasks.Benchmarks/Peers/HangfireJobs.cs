namespace BackgroundTasks.Benchmarks.Peers;

/// <summary>The methods Hangfire jobs call: Hangfire serializes a call to a public method, not a delegate.</summary>
public static class HangfireJobs
{
    /// <summary>A no-op job.</summary>
    public static void Counted() => JobBodies.Counted();

    /// <summary>A CPU job.</summary>
    public static void Cpu() => JobBodies.Cpu();

    /// <summary>A latency probe.</summary>
    public static void Probe() => JobBodies.Probe();
}
