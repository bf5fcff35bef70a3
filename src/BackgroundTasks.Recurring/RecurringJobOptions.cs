namespace BackgroundTasks.Recurring;

/// <summary>How a recurring job's occurrences are enqueued.</summary>
public sealed class RecurringJobOptions
{
    /// <summary>Gets or sets the queue the occurrences go to.</summary>
    /// <value>Defaults to <see langword="null"/>: the default queue.</value>
    public string? Queue { get; set; }

    /// <summary>Gets or sets the occurrences' priority.</summary>
    /// <value>Defaults to <see cref="JobPriority.Normal"/>.</value>
    public JobPriority Priority { get; set; } = JobPriority.Normal;

    /// <summary>Gets or sets what happens to occurrences missed while no host ran the schedule.</summary>
    /// <value>Defaults to <see cref="MisfirePolicy.Skip"/>.</value>
    public MisfirePolicy Misfire { get; set; } = MisfirePolicy.Skip;
}
