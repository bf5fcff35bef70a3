namespace BackgroundTasks;

/// <summary>A recurring job (a named cron schedule that enqueues a typed job) as this host sees it now.</summary>
/// <param name="Name">The recurring job's name.</param>
/// <param name="JobName">The registered name of the typed job each occurrence enqueues.</param>
/// <param name="Cron">The cron expression.</param>
/// <param name="TimeZoneId">The id of the time zone the expression is read in.</param>
/// <param name="Queue">The queue its occurrences go to, or <see langword="null"/> for the default queue.</param>
/// <param name="Misfire">What happens to missed occurrences.</param>
/// <param name="IsPaused">Whether it is paused.</param>
/// <param name="NextRun">The next occurrence, or <see langword="null"/> when paused, when the expression has none, or when this host cannot run it.</param>
/// <param name="LastRun">The latest occurrence enqueued (by any host this host learned of), or <see langword="null"/> when none is known.</param>
/// <param name="LastRunJobId">The id of the job of the <paramref name="LastRun"/> occurrence, or <see langword="null"/> when none is known.</param>
/// <param name="CanRun">
/// Whether this host runs it: <see langword="false"/> when its job name is not registered here with <c>AddJob</c>, or its
/// time zone or cron expression cannot be read here (another host added it); other hosts that can run it still do.
/// </param>
public sealed record RecurringJobInfo(
    string Name,
    string JobName,
    string Cron,
    string TimeZoneId,
    string? Queue,
    MisfirePolicy Misfire,
    bool IsPaused,
    DateTimeOffset? NextRun,
    DateTimeOffset? LastRun,
    JobId? LastRunJobId,
    bool CanRun);
