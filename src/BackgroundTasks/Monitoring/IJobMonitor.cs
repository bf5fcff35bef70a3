namespace BackgroundTasks;

/// <summary>Answers "what is job X doing?" from anywhere in the application, and cancels jobs by id.</summary>
public interface IJobMonitor
{
    /// <summary>Gets a job's current record.</summary>
    /// <param name="id">The job's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The record, or <see langword="null"/> when the store does not know the job.</returns>
    ValueTask<JobRecord?> GetAsync(JobId id, CancellationToken cancellationToken = default);

    /// <summary>Finds jobs by status, queue or name, newest first, a page at a time.</summary>
    /// <param name="query">Filters and page.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page of records.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is <see langword="null"/>.</exception>
    ValueTask<IReadOnlyList<JobRecord>> QueryAsync(JobQuery query, CancellationToken cancellationToken = default);

    /// <summary>Waits until a job reaches a terminal status.</summary>
    /// <param name="id">The job's id.</param>
    /// <param name="cancellationToken">Stops waiting (the job goes on).</param>
    /// <returns>The job's terminal record.</returns>
    /// <exception cref="KeyNotFoundException">Neither this process nor the store knows the job.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired first.</exception>
    Task<JobRecord> WaitAsync(JobId id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Watches a job live: yields its current record, then a new record after each change (status or
    /// progress), and ends after the terminal record. A slow reader never slows the job: it skips
    /// intermediate records it had no time to read, but always gets the latest one and the terminal one.
    /// </summary>
    /// <param name="id">The job's id.</param>
    /// <param name="cancellationToken">Stops watching (the job goes on).</param>
    /// <returns>The job's records, from now until it finishes.</returns>
    /// <exception cref="KeyNotFoundException">The store does not know the job.</exception>
    /// <exception cref="InvalidOperationException">The job has not finished but this process does not run it, so its changes cannot be followed here.</exception>
    IAsyncEnumerable<JobRecord> WatchAsync(JobId id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Cancels a job: a job that has not started never runs and is recorded cancelled
    /// (<see cref="JobCancelReason.Requested"/>); a running job's token fires, and the job is recorded cancelled
    /// when it stops by throwing (for example <see cref="OperationCanceledException"/>). Cancellation is
    /// cooperative: a running job that ignores its token and returns normally did its work and is recorded
    /// succeeded.
    /// </summary>
    /// <param name="id">The job's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>
    /// <see langword="true"/> when the job was waiting or running; <see langword="false"/> when it had already
    /// finished, or when the store knows it but this process does not run it (a record left unfinished in a
    /// durable store by an earlier process).
    /// </returns>
    /// <exception cref="KeyNotFoundException">The store does not know the job (never enqueued, or forgotten by retention).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired first.</exception>
    ValueTask<bool> CancelAsync(JobId id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs a failed or cancelled typed job again, as a <b>new job</b>: same registered name, arguments, queue,
    /// priority and maximum attempts, a new id and a fresh attempt count. The old record stays as it is.
    /// </summary>
    /// <param name="id">The failed or cancelled job's id.</param>
    /// <param name="cancellationToken">Stops waiting for space in a full queue; the new job is then not accepted.</param>
    /// <returns>The new job's id.</returns>
    /// <exception cref="KeyNotFoundException">The store does not know the job.</exception>
    /// <exception cref="InvalidOperationException">
    /// The job has not failed or been cancelled, is a lambda job (its code is not stored), or its name or queue
    /// is not registered on this host.
    /// </exception>
    ValueTask<JobId> RetryAsync(JobId id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes a finished job's record from the store (a job that may still run is never deleted: cancel it
    /// first). Stores that do not delete records leave it, and this returns <see langword="false"/>.
    /// </summary>
    /// <param name="id">The job's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>
    /// <see langword="true"/> when the record was deleted; <see langword="false"/> when the job has not finished,
    /// or the store does not delete records (<see cref="IJobStore.DeleteAsync"/> is not implemented).
    /// </returns>
    /// <exception cref="KeyNotFoundException">The store does not know the job (never enqueued, or already forgotten).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired first.</exception>
    ValueTask<bool> DeleteAsync(JobId id, CancellationToken cancellationToken = default);

    /// <summary>Counts the jobs the store holds, by queue and status (finished jobs until retention forgets them).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The number of jobs for each queue and status that has at least one; a pair with no job is absent.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired first.</exception>
    /// <remarks>See <see cref="IJobStore.CountAsync"/>: exact on the in-memory and SQLite stores; on a store without a count of its own, the jobs are counted through its queries.</remarks>
    ValueTask<IReadOnlyDictionary<(string Queue, JobStatus Status), int>> CountAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists the host instances that share the store, as their heartbeats recorded them, when the store keeps them
    /// (<see cref="IJobHostRegistry"/>, the PostgreSQL store does); otherwise an empty list.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The host instances, most recently started first; empty when the store does not list hosts.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired first.</exception>
    /// <remarks>The default implementation lists no host, for monitors written before this member.</remarks>
    ValueTask<IReadOnlyList<JobHostInfo>> ListHostsAsync(CancellationToken cancellationToken = default)
        => ValueTask.FromResult<IReadOnlyList<JobHostInfo>>([]);

    /// <summary>
    /// Lists the recurring jobs (cron schedules added with <c>AddRecurringJob</c> or at run time), by name, with their next
    /// and last run. With a store that keeps recurring jobs (the in-memory, SQLite and PostgreSQL stores), the list is
    /// read from the store, so it holds every host's; otherwise it holds this host's.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The recurring jobs; empty when the BackgroundTasks.Recurring package is not used on this host.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired first.</exception>
    /// <remarks>The default implementation lists none, for monitors written before this member.</remarks>
    ValueTask<IReadOnlyList<RecurringJobInfo>> ListRecurringJobsAsync(CancellationToken cancellationToken = default)
        => ValueTask.FromResult<IReadOnlyList<RecurringJobInfo>>([]);

    /// <summary>
    /// Takes a snapshot of this host's engine, without calling the store: whether its worker pool runs, and each
    /// queue's length, capacity and whether it is full. Health checks use it.
    /// </summary>
    /// <returns>The snapshot; it does not change afterwards.</returns>
    JobEngineStatus GetEngineStatus();
}
