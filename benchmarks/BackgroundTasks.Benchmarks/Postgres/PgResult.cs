namespace BackgroundTasks.Benchmarks.Postgres;

/// <summary>Every figure of one contender.</summary>
/// <param name="Kind">The contender.</param>
/// <param name="Jobs">The jobs each end-to-end run enqueued.</param>
/// <param name="OneHost">End to end with one host: jobs/s, and the run's seconds.</param>
/// <param name="Hosts">End to end with several hosts: jobs/s, and the run's seconds.</param>
/// <param name="Latency">Enqueue-to-start: p50 and p99 in µs.</param>
/// <param name="Idle">An idle host: the database's transactions per second, and the connections it held.</param>
/// <param name="Kill">Seconds from killing a host mid-job to the job running on another; null when not measured.</param>
public sealed record PgResult(PgContender Kind, int Jobs, PgFigure OneHost, PgFigure Hosts, PgFigure Latency, PgFigure Idle, PgFigure? Kill);
