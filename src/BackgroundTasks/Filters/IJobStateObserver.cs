namespace BackgroundTasks;

/// <summary>
/// Observes every change of every job's status that this host records: enqueued (<see cref="JobStatus.Queued"/> or
/// <see cref="JobStatus.Scheduled"/>), started (<see cref="JobStatus.Running"/>), <see cref="JobStatus.Retrying"/>,
/// <see cref="JobStatus.Succeeded"/>, <see cref="JobStatus.Failed"/> and <see cref="JobStatus.Cancelled"/>.
/// Register it with <c>AddJobStateObserver&lt;TObserver&gt;()</c> (a singleton), or a delegate with <c>OnStateChanged</c>.
/// </summary>
/// <remarks>
/// It runs on the thread that recorded the change, after the store applied it and before anyone waiting for the
/// job wakes: keep it short, and start slow work (an alert mail) as a job of its own. An exception it throws is
/// logged and never changes the job.
/// </remarks>
public interface IJobStateObserver
{
    /// <summary>Called after a job's new status is recorded.</summary>
    /// <param name="change">The job and its new status.</param>
    void OnStateChanged(JobStateChange change);
}
