namespace BackgroundTasks.Benchmarks.Durable;

/// <summary>One contender's end-to-end, latency and size figures, and the load average when its child process ended.</summary>
/// <param name="Kind">The contender.</param>
/// <param name="Jobs">The jobs run end to end.</param>
/// <param name="JobsPerSecond">Jobs enqueued and finished per second.</param>
/// <param name="P50Microseconds">Median enqueue-to-start latency (NaN for the ceilings).</param>
/// <param name="P99Microseconds">99th percentile enqueue-to-start latency (NaN for the ceilings).</param>
/// <param name="Bytes">The end-to-end file plus its WAL after a checkpoint.</param>
/// <param name="EmptyBytes">The same for a file on which the contender started and stopped with no job: its schema.</param>
/// <param name="Load">The 1, 5 and 15 minute load averages at the end.</param>
/// <param name="Error">Why there are no figures, or null.</param>
public sealed record DurableResult(
    DurableContender Kind,
    int Jobs,
    double JobsPerSecond,
    double P50Microseconds,
    double P99Microseconds,
    long Bytes,
    long EmptyBytes,
    string Load,
    string? Error)
{
    /// <summary>Gets the file plus WAL after a checkpoint, divided by the jobs run.</summary>
    public double BytesPerJob => Error is null ? Bytes / (double)Jobs : double.NaN;

    /// <summary>Gets the bytes the jobs added to the empty schema, per job.</summary>
    public double NetBytesPerJob => Error is null ? (Bytes - EmptyBytes) / (double)Jobs : double.NaN;
}
