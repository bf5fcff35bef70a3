namespace BackgroundTasks.Benchmarks.Durable;

/// <summary>What a durable benchmark job does when it runs.</summary>
public enum DurableJob
{
    /// <summary>Signals <see cref="Peers.Countdown"/>: the throughput job.</summary>
    NoOp,

    /// <summary>Takes the time it started, then signals <see cref="Peers.Countdown"/>: the latency probe.</summary>
    Probe,

    /// <summary>Writes <see cref="DurableJobBodies.StartedLine"/> to standard output and runs until its process is killed: the recovery job.</summary>
    UntilKilled,
}
