namespace BackgroundTasks.Recurring;

/// <summary>A recurring job's schedule as this host sees it now.</summary>
/// <param name="Name">The schedule's name.</param>
/// <param name="Cron">The cron expression.</param>
/// <param name="TimeZone">The time zone the expression is read in.</param>
/// <param name="Misfire">What happens to missed occurrences.</param>
/// <param name="IsPaused">Whether the schedule is paused on this host.</param>
/// <param name="NextRun">The next occurrence this host will enqueue, or <see langword="null"/> when paused or when the expression has none.</param>
/// <param name="LastRun">The latest occurrence enqueued (by any host that this host learned of), or <see langword="null"/> when none is known.</param>
/// <param name="LastRunJobId">The id of the job of the <paramref name="LastRun"/> occurrence (enqueued by this host or found enqueued by another), or <see langword="null"/> when none is known.</param>
public sealed record RecurringJobInfo(string Name, string Cron, TimeZoneInfo TimeZone, MisfirePolicy Misfire, bool IsPaused, DateTimeOffset? NextRun, DateTimeOffset? LastRun, JobId? LastRunJobId = null);
