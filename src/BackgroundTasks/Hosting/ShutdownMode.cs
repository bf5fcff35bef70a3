namespace BackgroundTasks;

/// <summary>What happens to jobs still waiting in a queue when the host stops.</summary>
public enum ShutdownMode
{
    /// <summary>Workers go on taking queued jobs until the queues are empty or the drain timeout passes.</summary>
    Drain = 0,

    /// <summary>Queued jobs are recorded <see cref="JobStatus.Cancelled"/> at once; running jobs still get the drain timeout to finish.</summary>
    Cancel = 1,
}
