namespace BackgroundTasks.Benchmarks.Postgres;

/// <summary>One measurement of one contender, and the load average when it ended.</summary>
/// <param name="Value">Jobs/s, p50 µs, transactions/s or seconds to recovery; NaN when there is none (see <paramref name="Error"/>), or when a kill was not recovered within the cap.</param>
/// <param name="Detail">The run's seconds (end to end), p99 µs (latency), the connections the host held (idle); NaN otherwise.</param>
/// <param name="Load">The 1, 5 and 15 minute load averages at the end.</param>
/// <param name="Error">Why there is no figure, or null.</param>
public sealed record PgFigure(double Value, double Detail, string Load, string? Error)
{
    /// <summary>A measurement that failed.</summary>
    public static PgFigure Failed(string error, string load) => new(double.NaN, double.NaN, load, error);
}
