namespace BackgroundTasks;

/// <summary>Why a job was cancelled.</summary>
public enum JobCancelReason
{
    /// <summary>The job was not cancelled.</summary>
    None = 0,

    /// <summary>Somebody asked for it: <see cref="IJobMonitor.CancelAsync"/>, or a cancelled parent job cancelling its children.</summary>
    Requested = 1,

    /// <summary>The host stopped before the job could finish.</summary>
    Shutdown = 2,
}
