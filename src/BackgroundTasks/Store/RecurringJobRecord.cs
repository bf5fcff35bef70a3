namespace BackgroundTasks;

/// <summary>
/// What an <see cref="IRecurringJobStore"/> keeps of one recurring job: its schedule, the typed job it enqueues (by
/// registered name and serialized arguments, never by CLR type), whether it is paused, and its last run.
/// </summary>
public sealed record RecurringJobRecord
{
    /// <summary>Gets the recurring job's name, unique in the store.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the registered name of the typed job each occurrence enqueues (<c>AddJob</c>'s name).</summary>
    public required string JobName { get; init; }

    /// <summary>Gets the cron expression: five fields, or six with seconds first.</summary>
    public required string Cron { get; init; }

    /// <summary>Gets the id of the time zone the expression is read in (<see cref="TimeZoneInfo.Id"/>).</summary>
    /// <value>Defaults to <c>"UTC"</c>.</value>
    public string TimeZoneId { get; init; } = "UTC";

    /// <summary>Gets the serialized arguments every occurrence gets, as <see cref="JobRecord.Arguments"/> holds them.</summary>
    public required string Arguments { get; init; }

    /// <summary>Gets the queue the occurrences go to, or <see langword="null"/> for the default queue.</summary>
    public string? Queue { get; init; }

    /// <summary>Gets the occurrences' priority.</summary>
    /// <value>Defaults to <see cref="JobPriority.Normal"/>.</value>
    public JobPriority Priority { get; init; } = JobPriority.Normal;

    /// <summary>Gets what happens to occurrences missed while no host ran the schedule.</summary>
    public MisfirePolicy Misfire { get; init; }

    /// <summary>Gets a value indicating whether the recurring job is paused.</summary>
    public bool IsPaused { get; init; }

    /// <summary>Gets the latest occurrence enqueued (its due time), or <see langword="null"/> before the first.</summary>
    public DateTimeOffset? LastRun { get; init; }

    /// <summary>Gets the id of the job of the <see cref="LastRun"/> occurrence, or <see langword="null"/> before the first.</summary>
    public JobId? LastRunJobId { get; init; }
}
