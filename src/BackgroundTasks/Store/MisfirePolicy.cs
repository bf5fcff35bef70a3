namespace BackgroundTasks;

/// <summary>What a schedule does with the occurrences it missed while no host ran it (downtime).</summary>
public enum MisfirePolicy
{
    /// <summary>Missed occurrences are skipped: the schedule goes on from its next occurrence after start-up.</summary>
    Skip = 0,

    /// <summary>
    /// Missed occurrences run once, together: at start-up one job is enqueued for the latest occurrence missed since the
    /// schedule's last run (read back from the store).
    /// </summary>
    RunOnce = 1,
}
