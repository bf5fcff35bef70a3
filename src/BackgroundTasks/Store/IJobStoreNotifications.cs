namespace BackgroundTasks;

/// <summary>
/// Implemented by a store that several hosts share, to tell the engine at once what other hosts did, so that
/// it need not wait for its next poll: jobs became ready to claim, jobs fall due later, or a job changed. The engine
/// subscribes when the host starts and unsubscribes when it stops; a store without it is polled
/// (<see cref="BackgroundJobsOptions.PollInterval"/>), and a store that implements it is still polled as a safety net,
/// less often while <see cref="IsListening"/> says that notifications arrive.
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

    /// <summary>
    /// Raised with a queue's name and a time when the store learns that a job of that queue falls due then (a delayed
    /// job or a retry, found by a claim or told by another host): the engine claims again at that time without polling.
    /// </summary>
    /// <remarks>The default implementation never raises it.</remarks>
    event Action<string, DateTimeOffset>? JobsDue
    {
        add
        {
        }

        remove
        {
        }
    }

    /// <summary>
    /// Gets a value indicating whether the store hears other hosts' notifications now. While it does, the engine's safety
    /// poll backs off from <see cref="BackgroundJobsOptions.PollInterval"/> to 30 seconds; when it stops (a lost
    /// connection, a poll-only mode), the engine polls every <see cref="BackgroundJobsOptions.PollInterval"/>.
    /// A store raises <see cref="JobsReady"/> for its queues when this changes, so that the engine looks again at once.
    /// </summary>
    /// <value>Defaults to <see langword="false"/>: the engine polls every <see cref="BackgroundJobsOptions.PollInterval"/>.</value>
    bool IsListening => false;
}
