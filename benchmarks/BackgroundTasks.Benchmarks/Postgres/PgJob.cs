namespace BackgroundTasks.Benchmarks.Postgres;

/// <summary>What a PostgreSQL benchmark job does when it runs.</summary>
public enum PgJob
{
    /// <summary>Counts itself in <see cref="PgJobBodies.Ran"/>: the throughput job.</summary>
    NoOp,

    /// <summary>Takes the time it started and completes the armed probe: the latency probe.</summary>
    Probe,

    /// <summary>Writes <see cref="PgJobBodies.StartedLine"/> to standard output and runs until its process is killed: the recovery job.</summary>
    UntilKilled,
}
