namespace BackgroundTasks.Recurring;

/// <summary>
/// Changes recurring jobs at run time. Recurring jobs added at start-up with <c>AddRecurringJob</c> are here too; list
/// them all with <see cref="IJobMonitor.ListRecurringJobsAsync"/>.
/// </summary>
/// <remarks>
/// <para>With a store that keeps recurring jobs (<see cref="IRecurringJobStore"/>: the in-memory, SQLite and PostgreSQL
/// stores), a change is written to the store, so it holds after a restart and on every host that shares the store: this
/// host applies it at once, the others within about a second. The last writer wins. A recurring job whose job name is not
/// registered on a host is listed there but run only by the hosts that register it.</para>
/// <para>With a store that does not keep them (a store of your own without <see cref="IRecurringJobStore"/>), changes apply
/// to this host only and last until it stops: register the same schedules on every host (each occurrence is still enqueued
/// once, whichever hosts run it).</para>
/// </remarks>
public interface IRecurringJobs
{
    /// <summary>Adds a recurring job, or replaces the one with the same name (whether it is paused, and its last run, are kept).</summary>
    /// <typeparam name="TJob">The typed job to enqueue, registered with <c>AddJob&lt;TJob, TArgs&gt;</c>.</typeparam>
    /// <typeparam name="TArgs">The job's arguments.</typeparam>
    /// <param name="name">The recurring job's name, part of each occurrence's unique key: 1 to 100 characters, letters, digits, '-', '_', '.'.</param>
    /// <param name="cron">A cron expression: five fields, or six with seconds first (for example <c>"0 3 * * *"</c>, <c>"*/10 * * * * *"</c>).</param>
    /// <param name="args">The arguments every occurrence gets.</param>
    /// <param name="timeZone">The time zone the expression is read in; <see langword="null"/> for UTC.</param>
    /// <param name="options">The queue, priority and misfire policy; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the recurring job is saved.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> or <paramref name="cron"/> is invalid (the message says why).</exception>
    /// <exception cref="InvalidOperationException"><typeparamref name="TJob"/> is not registered with <c>AddJob</c>.</exception>
    ValueTask AddOrUpdateAsync<TJob, TArgs>(string name, string cron, TArgs args, TimeZoneInfo? timeZone = null, RecurringJobOptions? options = null, CancellationToken cancellationToken = default)
        where TJob : class;

    /// <summary>Removes a recurring job. Jobs it enqueued already are not affected.</summary>
    /// <param name="name">The recurring job's name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when the recurring job existed.</returns>
    ValueTask<bool> RemoveAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Pauses a recurring job: no occurrence is enqueued until it is unpaused.</summary>
    /// <param name="name">The recurring job's name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when the recurring job exists.</returns>
    ValueTask<bool> PauseAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Resumes a paused recurring job from its next occurrence; the occurrences passed while it was paused are skipped.</summary>
    /// <param name="name">The recurring job's name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when the recurring job exists.</returns>
    ValueTask<bool> UnpauseAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Enqueues the recurring job's job now, outside its schedule (no unique key); the schedule goes on as before.</summary>
    /// <param name="name">The recurring job's name.</param>
    /// <param name="cancellationToken">Stops waiting for space in a full queue.</param>
    /// <returns>The id of the enqueued job.</returns>
    /// <exception cref="KeyNotFoundException">No recurring job has that name.</exception>
    /// <exception cref="InvalidOperationException">Its job name is not registered on this host.</exception>
    ValueTask<JobId> TriggerAsync(string name, CancellationToken cancellationToken = default);
}
