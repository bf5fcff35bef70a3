namespace BackgroundTasks.Benchmarks.Durable;

/// <summary>
/// A job system that keeps its jobs in a SQLite file. It runs in the benchmark's process, and its jobs call
/// <see cref="DurableJobBodies"/>, so that every contender is timed the same way.
/// </summary>
public interface IDurableContender : IAsyncDisposable
{
    /// <summary>Gets the contender.</summary>
    DurableContender Kind { get; }

    /// <summary>Opens (or creates) the SQLite file at <paramref name="file"/> and starts the workers.</summary>
    Task StartAsync(string file);

    /// <summary>Enqueues one job; returns once the job system has accepted it (for these, once it is committed).</summary>
    ValueTask EnqueueAsync(DurableJob job);

    /// <summary>Stops the workers and closes the file.</summary>
    Task StopAsync();
}
