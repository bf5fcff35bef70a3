namespace BackgroundTasks;

/// <summary>
/// Keeps every job's metadata, status and progress (never its delegate). The library calls it for each
/// change of a job; applications read it through <see cref="IJobMonitor"/>.
/// </summary>
/// <remarks>
/// <para>
/// Calls for one job arrive in order: <see cref="AddAsync"/> once, then <see cref="TransitionAsync"/>
/// for each change of status, with <see cref="ReportProgressAsync"/> calls while it runs. The library
/// awaits each call before it makes the next one for the same job, except that a cancellation
/// (by id or at shutdown) may race with any other call for that job. Calls for different jobs run
/// concurrently from many threads, and reads may run at any time.
/// </para>
/// <para>
/// A store must keep a job's status moving forward only (see <see cref="JobTransition.IsAllowed"/>): it
/// refuses a change that is not allowed by returning <see langword="false"/>, and a terminal status is
/// final. A store that throws does not stop the workers: the library logs the failure and goes on.
/// </para>
/// </remarks>
public interface IJobStore
{
    /// <summary>Records a newly accepted job, in status <see cref="JobStatus.Queued"/> or <see cref="JobStatus.Scheduled"/>.</summary>
    /// <param name="job">The job. The store may keep this instance; the library does not change it afterwards.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the job is recorded.</returns>
    /// <exception cref="ArgumentException">A job with the same id is already recorded.</exception>
    ValueTask AddAsync(JobRecord job, CancellationToken cancellationToken = default);

    /// <summary>Records a change of a job's status, if it moves the job forward.</summary>
    /// <param name="id">The job's id.</param>
    /// <param name="transition">The change.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when the change was recorded; <see langword="false"/> when the job is unknown or the change would move it backwards or out of a terminal status.</returns>
    ValueTask<bool> TransitionAsync(JobId id, JobTransition transition, CancellationToken cancellationToken = default);

    /// <summary>Records a running job's latest progress. The library coalesces reports, so this is called at most once per progress interval for each job.</summary>
    /// <param name="id">The job's id.</param>
    /// <param name="progress">The progress.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when recorded; <see langword="false"/> when the job is unknown or terminal.</returns>
    ValueTask<bool> ReportProgressAsync(JobId id, JobProgress progress, CancellationToken cancellationToken = default);

    /// <summary>Gets a job's current record.</summary>
    /// <param name="id">The job's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The record, or <see langword="null"/> when the store does not know the job (or no longer keeps it).</returns>
    ValueTask<JobRecord?> GetAsync(JobId id, CancellationToken cancellationToken = default);

    /// <summary>Finds jobs, newest first.</summary>
    /// <param name="query">Filters and page.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The matching records of the requested page.</returns>
    ValueTask<IReadOnlyList<JobRecord>> QueryAsync(JobQuery query, CancellationToken cancellationToken = default);
}
