namespace BackgroundTasks.Benchmarks.Peers;

/// <summary>
/// One job system under test: it starts and stops its host, and enqueues the jobs of <see cref="JobBody"/>.
/// Every job body signals <see cref="Countdown"/> from inside the job, so that a benchmark can wait for N
/// completions the same way for every contender.
/// </summary>
public interface IJobSystemContender : IAsyncDisposable
{
    /// <summary>Gets the contender.</summary>
    Contender Kind { get; }

    /// <summary>Starts the host, the workers or the scheduler, and warms the enqueue path up.</summary>
    Task StartAsync();

    /// <summary>Stops what <see cref="StartAsync"/> started.</summary>
    Task StopAsync();

    /// <summary>Enqueues one job that runs <paramref name="body"/>.</summary>
    ValueTask EnqueueAsync(JobBody body);
}
