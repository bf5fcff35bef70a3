namespace BackgroundTasks.Benchmarks.Postgres;

/// <summary>
/// A job system that keeps its jobs in a PostgreSQL database. It runs in a host process of its own
/// (<see cref="PgHost"/>), and its jobs call <see cref="PgJobBodies"/>, so that every contender is timed the same way.
/// </summary>
public interface IPgContender : IAsyncDisposable
{
    /// <summary>Gets the contender.</summary>
    PgContender Kind { get; }

    /// <summary>Connects to the database <paramref name="connectionString"/> names, creates its schema if missing, and starts the workers.</summary>
    Task StartAsync(string connectionString);

    /// <summary>Enqueues one job; returns once the job system has accepted it (for these, once it is committed).</summary>
    ValueTask EnqueueAsync(PgJob job);

    /// <summary>Stops the workers.</summary>
    Task StopAsync();
}
