namespace BackgroundTasks;

/// <summary>
/// Keeps every job's metadata, status and progress (never its delegate). The library calls it for each
/// change of a job; applications read it through <see cref="IJobMonitor"/>.
/// </summary>
/// <remarks>
/// <para><b>Calls the library makes, and in which order.</b> For each job: <see cref="AddAsync"/> once,
/// with status <see cref="JobStatus.Queued"/> (or <see cref="JobStatus.Scheduled"/> for a delayed job);
/// then one <see cref="TransitionAsync"/> per change of status: Scheduled → Queued when a delayed job
/// is due, Queued → Running when an attempt starts, Running → Retrying when a failed attempt will be
/// retried (then Retrying → Queued when its back-off ends), and finally Running → Succeeded or Failed, or
/// any non-terminal status → Cancelled. While a job runs, <see cref="ReportProgressAsync"/> carries its
/// coalesced progress, and the latest progress is always written before the terminal transition.</para>
/// <para><b>Concurrency.</b> The library awaits each call for a job before it makes the next one for the
/// same job, except that a cancellation (by id, or the shutdown sweep) may race with any other write for
/// that job. Calls for different jobs arrive concurrently from many threads, and reads
/// (<see cref="GetAsync"/>, <see cref="QueryAsync"/>) may run at any time, concurrently with writes.
/// Every method must be thread-safe.</para>
/// <para><b>What a store must guarantee.</b></para>
/// <list type="bullet">
/// <item><description>A job's status only moves forward: a store applies a transition only when
/// <see cref="JobTransition.IsAllowed"/> says so, and a transition to <see cref="JobStatus.Running"/> only
/// when its attempt is greater than the recorded one; otherwise it changes nothing and returns
/// <see langword="false"/>. A terminal status (Succeeded, Failed, Cancelled) is final. When writes for
/// one job race, at most one terminal transition succeeds.</description></item>
/// <item><description>Applying a transition sets: for Running, <see cref="JobRecord.Attempt"/> and
/// <see cref="JobRecord.StartedAt"/> (the transition's timestamp); for Retrying,
/// <see cref="JobRecord.ScheduledAt"/> and <see cref="JobRecord.Error"/>; for Succeeded,
/// <see cref="JobRecord.FinishedAt"/> and <see cref="JobRecord.Result"/>; for Failed and Cancelled,
/// <see cref="JobRecord.FinishedAt"/> and, when the transition carries one, <see cref="JobRecord.Error"/>
/// (without one, the error of an earlier attempt stays); for Cancelled also
/// <see cref="JobRecord.CancelReason"/> (the transition's <see cref="JobTransition.CancelReason"/>), which no
/// other transition sets. Retrying sets the error it carries.
/// <see cref="JobRecord.ScheduledAt"/> is cleared on every status but Scheduled and Retrying. Everything
/// else (id, name, queue, priority, max attempts, enqueue time, parent, a typed job's
/// <see cref="JobRecord.Arguments"/>, and the enqueuing code's <see cref="JobRecord.TraceParent"/> and
/// <see cref="JobRecord.TraceState"/>, each kept exactly as given, and a continuation's
/// <see cref="JobRecord.ContinueAfter"/> and <see cref="JobRecord.ContinueWhen"/>) never changes after
/// <see cref="AddAsync"/>. On a store that is not durable the library itself queues or cancels a continuation when the
/// job it continues ends (with the transitions above); an <see cref="IDurableJobStore"/> does it itself, as that
/// interface says.</description></item>
/// <item><description>Progress reports are accepted only while a job is not terminal; a report for a
/// terminal or unknown job changes nothing and returns <see langword="false"/>. The last progress stays on
/// the record after the job finishes.</description></item>
/// <item><description>Records handed out are snapshots: a record returned earlier never changes when the
/// job moves on.</description></item>
/// <item><description>A store may forget a job after it reached its terminal status (retention), never
/// before.</description></item>
/// <item><description><see cref="QueryAsync"/> returns the jobs matching <see cref="JobQuery.Matches"/>,
/// newest first (descending <see cref="JobId"/>), skipping <see cref="JobQuery.Skip"/> and returning at
/// most <see cref="JobQuery.Take"/>.</description></item>
/// <item><description><b>Unique keys.</b> A job may carry a <see cref="JobRecord.UniqueKey"/>, which the store keeps
/// exactly, like the other fields that never change. A job <em>holds</em> its key while it is not terminal
/// (Scheduled, Queued, Running or Retrying); see <see cref="AddUniqueAsync"/> for how a terminal job holds it within a
/// window, and for the one check a store must make atomic.</description></item>
/// <item><description>Three members have defaults, so a store need not implement them:
/// <see cref="CountAsync"/> counts by paging through <see cref="QueryAsync"/> (a store should override it
/// with a count of its own, such as a <c>GROUP BY</c>), and <see cref="DeleteAsync"/> deletes nothing and
/// returns <see langword="false"/>. A store that deletes removes only terminal jobs. <see cref="AddUniqueAsync"/>
/// serialises the adds of unique jobs in this process; a store that several processes share must override it.</description></item>
/// </list>
/// <para>A store that throws does not stop the workers: the library logs the failure and goes on. Use
/// the conformance kit in the <c>BackgroundTasks.Testing</c> package to check a store against this
/// contract.</para>
/// </remarks>
public interface IJobStore
{
    /// <summary>Records a newly accepted job, in status <see cref="JobStatus.Queued"/> or <see cref="JobStatus.Scheduled"/> (any other status is an <see cref="ArgumentException"/>).</summary>
    /// <param name="job">The job. The store may keep this instance; the library does not change it afterwards.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the job is recorded.</returns>
    /// <exception cref="ArgumentException">A job with the same id is already recorded, or the job is neither Queued nor Scheduled.</exception>
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

    /// <summary>Counts the jobs the store holds, by queue and status.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>
    /// The number of jobs for each queue and status that has at least one; a pair with no job is absent. Every
    /// job the store would return from <see cref="QueryAsync"/> is counted once, finished jobs included until
    /// retention forgets them.
    /// </returns>
    /// <remarks>
    /// The default pages through <see cref="QueryAsync"/>, 10,000 records at a time, and counts each job once by
    /// its id; while jobs change during the count, a job is counted in the status its last page saw. A store
    /// should override it with a count of its own (the in-memory and SQLite stores do).
    /// </remarks>
    ValueTask<IReadOnlyDictionary<(string Queue, JobStatus Status), int>> CountAsync(CancellationToken cancellationToken = default)
        => JobCounting.CountByQueryingAsync(this, cancellationToken);

    /// <summary>Deletes a finished job's record, for stores that support it.</summary>
    /// <param name="id">The job's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>
    /// <see langword="true"/> when the record was deleted; <see langword="false"/> when the job is unknown, has not
    /// reached a terminal status (a store never deletes a job that may still run), or the store does not delete
    /// records. The default deletes nothing and returns <see langword="false"/>.
    /// </returns>
    ValueTask<bool> DeleteAsync(JobId id, CancellationToken cancellationToken = default)
        => new(false);

    /// <summary>Records a new job that has a <see cref="JobRecord.UniqueKey"/>, unless another job holds that key.</summary>
    /// <param name="job">The job, Queued or Scheduled, with a non-empty <see cref="JobRecord.UniqueKey"/>.</param>
    /// <param name="finishedSince">
    /// When set, a terminal job with the key also holds it if its <see cref="JobRecord.FinishedAt"/> is at or after this
    /// time (the enqueuing code's <see cref="JobOptions.UniqueFor"/> window); when <see langword="null"/>, only a job that
    /// is not terminal holds its key.
    /// </param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>
    /// The id of the job that holds the key after the call: <paramref name="job"/>'s own id when it was recorded, or the
    /// id of the job that held the key, when nothing was recorded.
    /// </returns>
    /// <remarks>
    /// <para>What a store must do, as one atomic step with respect to every other <see cref="AddUniqueAsync"/> of the same
    /// key, from this process or any other that shares the store: find a job with the key that is not terminal (there is
    /// at most one) or, when <paramref name="finishedSince"/> is set, the job with the key that finished last at or after
    /// it; if there is one, record nothing and return its id; otherwise record <paramref name="job"/> exactly as
    /// <see cref="AddAsync"/> would and return its id. So when adds of one key race, exactly one job is recorded and every
    /// call returns its id.</para>
    /// <para>A job the store no longer keeps (deleted, or forgotten by retention) holds nothing. A job recorded by
    /// <see cref="AddAsync"/> holds its key like any other; <see cref="AddAsync"/> makes no check of its own, except that a
    /// store with a unique index may refuse, with an <see cref="ArgumentException"/>, a job whose key a job that is not
    /// terminal holds.</para>
    /// <para>A shared SQL store does this with a unique index on the key over the rows that are not terminal (which
    /// settles races between processes) and, in the same transaction, a look-up of the key before the insert; an insert
    /// that the index refuses reads the holder again. The default serialises the calls of this process per store instance
    /// and remembers for each key the last job it recorded (read back with <see cref="GetAsync"/>): right for a store that
    /// only one process writes to, and only for jobs recorded through it.</para>
    /// </remarks>
    /// <exception cref="ArgumentException">The job has no unique key, is neither Queued nor Scheduled, or its id is already recorded.</exception>
    ValueTask<JobId> AddUniqueAsync(JobRecord job, DateTimeOffset? finishedSince, CancellationToken cancellationToken = default)
        => UniqueKeys.AddSerializedAsync(this, job, finishedSince, cancellationToken);
}
