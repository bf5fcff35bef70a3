namespace BackgroundTasks.Recurring;

/// <summary>
/// Changes and lists this host's recurring jobs at run time. Schedules registered at start-up with
/// <c>AddRecurringJob</c> are here too.
/// </summary>
/// <remarks>
/// Changes apply to this host only: register the same schedules on every host that shares a store (each occurrence is
/// still enqueued once, whichever hosts run it).
/// </remarks>
public interface IRecurringJobs
{
    /// <summary>Adds a schedule, or replaces the one with the same name (its last run is kept).</summary>
    /// <typeparam name="TJob">The typed job to enqueue, registered with <c>AddJob&lt;TJob, TArgs&gt;</c>.</typeparam>
    /// <typeparam name="TArgs">The job's arguments.</typeparam>
    /// <param name="name">The schedule's name, part of each occurrence's unique key: 1 to 100 characters, letters, digits, '-', '_', '.'.</param>
    /// <param name="cron">A cron expression: five fields, or six with seconds first (for example <c>"0 3 * * *"</c>, <c>"*/10 * * * * *"</c>).</param>
    /// <param name="args">The arguments every occurrence gets.</param>
    /// <param name="timeZone">The time zone the expression is read in; <see langword="null"/> for UTC.</param>
    /// <param name="options">The queue, priority and misfire policy; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> or <paramref name="cron"/> is invalid (the message says why).</exception>
    void AddOrUpdate<TJob, TArgs>(string name, string cron, TArgs args, TimeZoneInfo? timeZone = null, RecurringJobOptions? options = null)
        where TJob : class;

    /// <summary>Removes a schedule. Jobs it enqueued already are not affected.</summary>
    /// <param name="name">The schedule's name.</param>
    /// <returns><see langword="true"/> when the schedule existed.</returns>
    bool Remove(string name);

    /// <summary>Pauses a schedule: no occurrence is enqueued until it is unpaused.</summary>
    /// <param name="name">The schedule's name.</param>
    /// <returns><see langword="true"/> when the schedule exists.</returns>
    bool Pause(string name);

    /// <summary>Resumes a paused schedule (unpauses it) from its next occurrence; the occurrences passed while it was paused are skipped.</summary>
    /// <param name="name">The schedule's name.</param>
    /// <returns><see langword="true"/> when the schedule exists.</returns>
    bool Unpause(string name);

    /// <summary>Enqueues the schedule's job now, outside its schedule (no unique key); the schedule goes on as before.</summary>
    /// <param name="name">The schedule's name.</param>
    /// <param name="cancellationToken">Stops waiting for space in a full queue.</param>
    /// <returns>The id of the enqueued job.</returns>
    /// <exception cref="KeyNotFoundException">No schedule has that name.</exception>
    ValueTask<JobId> TriggerAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Lists the schedules, by name, with their next and last run.</summary>
    /// <returns>The schedules.</returns>
    IReadOnlyList<RecurringJobInfo> GetSchedules();
}
