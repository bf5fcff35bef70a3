namespace BackgroundTasks;

/// <summary>
/// What a durable store's <see cref="IDurableJobStore.TransitionAsync(JobId, JobTransition, string, CancellationToken)"/>
/// did: whether it recorded the transition, and which waiting continuations of the job it settled in the same step.
/// </summary>
/// <remarks>
/// The engine that made the write tells its <see cref="IJobStateObserver"/>s about each settled continuation, so each
/// such change is heard once, on the host whose write decided it.
/// </remarks>
public sealed class JobTransitionResult
{
    /// <summary>Initializes a new instance of the <see cref="JobTransitionResult"/> class.</summary>
    /// <param name="isRecorded">Whether the transition was recorded.</param>
    /// <param name="settledContinuations">The continuations the write settled, as they are after it; empty when it was not recorded.</param>
    /// <exception cref="ArgumentNullException"><paramref name="settledContinuations"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A transition that was not recorded settled continuations.</exception>
    public JobTransitionResult(bool isRecorded, IReadOnlyList<JobRecord> settledContinuations)
    {
        ArgumentNullException.ThrowIfNull(settledContinuations);
        if (!isRecorded && settledContinuations.Count > 0)
        {
            throw new ArgumentException("A transition that was not recorded settles no continuation: pass an empty list, or isRecorded: true.", nameof(settledContinuations));
        }

        IsRecorded = isRecorded;
        SettledContinuations = settledContinuations;
    }

    /// <summary>Gets the result of a transition that was not recorded (the job is unknown, or its status or owner did not allow it).</summary>
    public static JobTransitionResult Refused { get; } = new(false, []);

    /// <summary>Gets the result of a transition that was recorded and settled no continuation.</summary>
    public static JobTransitionResult Recorded { get; } = new(true, []);

    /// <summary>Gets a value indicating whether the transition was recorded.</summary>
    public bool IsRecorded { get; }

    /// <summary>
    /// Gets the continuations that the write settled because the job ended: released (<see cref="JobStatus.Queued"/>) or
    /// cancelled (<see cref="JobStatus.Cancelled"/>), and down the chain the continuations of those it cancelled; each as
    /// its record is after the write.
    /// </summary>
    public IReadOnlyList<JobRecord> SettledContinuations { get; }
}
