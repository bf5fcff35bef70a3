namespace BackgroundTasks;

/// <summary>
/// Implemented by a store that several hosts share, to tell the engine at once what other hosts did, so that
/// it need not wait for its next poll: jobs became ready to claim, or a job changed. The engine subscribes
/// when the host starts and unsubscribes when it stops; a store without it is polled
/// (<see cref="BackgroundJobsOptions.PollInterval"/>), and a store that implements it is still polled as a safety net.
/// </summary>
/// <remarks>
/// Events may be raised from any thread, for changes made by other processes; handlers return quickly and never
/// throw. A notification may be lost (a dropped connection) or come twice: it only says "look again now".
/// </remarks>
public interface IJobStoreNotifications
{
    /// <summary>Raised with a queue's name when jobs of that queue became ready to claim (enqueued, released, recovered) on another host.</summary>
    event Action<string>? JobsReady;

    /// <summary>
    /// Raised with a job's id when another host changed its record: its status (for example a cancellation by id),
    /// its progress, or its claim (recovered from a host that lost its lease).
    /// </summary>
    event Action<JobId>? JobChanged;
}
