namespace BackgroundTasks;

/// <summary>
/// A store that also keeps recurring jobs, so that a recurring job added, changed, paused or removed on one host holds on
/// every host that shares the store, and after a restart. The in-memory, SQLite and PostgreSQL stores implement it; a
/// store without it leaves each host's recurring jobs in that host's memory.
/// </summary>
/// <remarks>
/// Every method is one atomic step and thread-safe; processes that share the store may call them at the same time.
/// Names compare ordinally. Records handed out are snapshots.
/// </remarks>
public interface IRecurringJobStore
{
    /// <summary>
    /// Adds a recurring job, or replaces the schedule and job of the one with the same name (the last writer wins). A
    /// replaced one keeps its <see cref="RecurringJobRecord.IsPaused"/>, <see cref="RecurringJobRecord.LastRun"/> and
    /// <see cref="RecurringJobRecord.LastRunJobId"/>; a new one takes them from <paramref name="recurringJob"/>.
    /// </summary>
    /// <param name="recurringJob">The recurring job.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the recurring job is saved.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="recurringJob"/> is <see langword="null"/>.</exception>
    ValueTask SaveRecurringJobAsync(RecurringJobRecord recurringJob, CancellationToken cancellationToken = default);

    /// <summary>Pauses or unpauses a recurring job.</summary>
    /// <param name="name">The recurring job's name.</param>
    /// <param name="paused">Whether it is to be paused.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when the recurring job exists.</returns>
    ValueTask<bool> PauseRecurringJobAsync(string name, bool paused, CancellationToken cancellationToken = default);

    /// <summary>Records an occurrence enqueued as the last run, unless the recorded last run is at or after it.</summary>
    /// <param name="name">The recurring job's name.</param>
    /// <param name="due">The occurrence's due time.</param>
    /// <param name="jobId">The id of the occurrence's job.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when it was recorded; <see langword="false"/> when the recurring job is unknown or has a later last run.</returns>
    ValueTask<bool> RecordRecurringRunAsync(string name, DateTimeOffset due, JobId jobId, CancellationToken cancellationToken = default);

    /// <summary>Removes a recurring job. Jobs it enqueued already are not affected.</summary>
    /// <param name="name">The recurring job's name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when the recurring job existed.</returns>
    ValueTask<bool> RemoveRecurringJobAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Lists the recurring jobs, by name (ordinal).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The recurring jobs.</returns>
    ValueTask<IReadOnlyList<RecurringJobRecord>> ListRecurringJobsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Gets a number that changes after every save, pause and removal of a recurring job (from any process that shares
    /// the store), so that a host reads the list again only when it changed. Recorded runs do not change it.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The version. A store that learns of other processes' changes by notification may see them late, but within a bounded time it documents.</returns>
    ValueTask<long> GetRecurringJobsVersionAsync(CancellationToken cancellationToken = default);
}
