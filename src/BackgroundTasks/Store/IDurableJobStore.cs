namespace BackgroundTasks;

/// <summary>
/// A store that is the queues' source of truth, so that jobs outlive a process and hosts can share them
/// (the SQLite and PostgreSQL packages implement it). With such a store the engine keeps no queue of its
/// own: each host <em>claims</em> jobs from the store, as many as it has free workers, under its owner name
/// and with a lease that it renews while they run. A job whose host stops renewing its lease is recovered
/// by any host: run again as its next attempt (a typed job), or failed (a lambda job, whose code lived only
/// in the host that stopped, or a job with no attempt left).
/// </summary>
/// <remarks>
/// Owners are <c>"{host}/{instance}"</c>: the host's stable name (<see cref="BackgroundJobsOptions.HostName"/>)
/// and a fresh instance id per process, so that a restarted host recognises its earlier instance's jobs.
/// Every method is one atomic step of the store (a statement or a transaction); the engine calls them
/// from several threads at once.
/// <para><b>Continuations.</b> A job with a <see cref="JobRecord.ContinueAfter"/> (its <em>parent</em>, the job it
/// continues) is added <see cref="JobStatus.Scheduled"/> with a <see cref="JobRecord.ScheduledAt"/> of
/// <see cref="DateTimeOffset.MaxValue"/>: it <em>waits</em>, and no claim takes it. A durable store, not the engine,
/// settles it, because the parent may end on any host or in a recovery, and a crash between the parent's end and the
/// settling would leave it waiting forever. So, in the same atomic step as every write that makes a job terminal
/// (<see cref="IJobStore.TransitionAsync"/>, <see cref="TransitionAsync(JobId, JobTransition, string, CancellationToken)"/>,
/// <see cref="RecoverAsync"/>), the store settles each of that job's continuations that is still Scheduled, and the
/// last two return the continuations they settled:</para>
/// <list type="bullet">
/// <item><description>It <em>releases</em> it when its <see cref="JobRecord.ContinueWhen"/> is
/// <see cref="JobContinuation.Finished"/> or the parent ended <see cref="JobStatus.Succeeded"/>: Status
/// <see cref="JobStatus.Queued"/>, <see cref="JobRecord.ScheduledAt"/> cleared, nothing else changed (an owner it was
/// added with stays, so only that owner claims it: a lambda continuation). It is then claimed like any Queued job; its
/// place in the claim order is the time the parent ended.</description></item>
/// <item><description>Otherwise it <em>cancels</em> it: Status <see cref="JobStatus.Cancelled"/>,
/// <see cref="JobRecord.FinishedAt"/> the time of the parent's end (the transition's timestamp; for a recovery, its
/// <c>now</c>), <see cref="JobRecord.CancelReason"/> <see cref="JobCancelReason.Requested"/>, <see cref="JobRecord.Error"/>
/// of type <c>System.OperationCanceledException</c> with the message <c>"Job {parent}, which this job continues, ended
/// {status}; the job runs only after it succeeds (JobContinuation.Succeeded)."</c>, ScheduledAt and any owner cleared.
/// A continuation cancelled so is a job that ended Cancelled: its own waiting continuations are settled in the same
/// step, down the chain.</description></item>
/// </list>
/// <para>A continuation added (by any add of this interface or of <see cref="IJobStore"/>) when its parent is terminal
/// already, or unknown to the store (taken as Cancelled, with the message <c>"Job {parent}, which this job continues, is
/// unknown to the store (never recorded, or deleted); the job runs only after it succeeds
/// (JobContinuation.Succeeded)."</c>), is settled in the add's step, as of its <see cref="JobRecord.EnqueuedAt"/>. A
/// continuation that is cancelled (or otherwise moved) by a transition of its own before its parent ends is no longer
/// waiting and is left alone. The add of a continuation and the end of its parent must not miss each other when they
/// race: with one writer at a time (SQLite's <c>BEGIN IMMEDIATE</c>) that holds by itself; under PostgreSQL's READ
/// COMMITTED the add reads the parent's status with <c>SELECT … FOR SHARE</c>, which waits for a terminal UPDATE of the
/// parent under way and then reads its outcome, while that UPDATE waits for an add that locked the parent first and then
/// finds the new continuation. A SQL store finds the waiting continuations of a job through an index on the parent over
/// the Scheduled rows that have one, which stays as small as the number of continuations waiting; PostgreSQL can
/// settle them in the transaction of the terminal UPDATE, with a NOTIFY for each released continuation's queue so that
/// other hosts claim it at once. The conformance kit (<c>BackgroundTasks.Testing</c>) checks all of this.</para>
/// </remarks>
public interface IDurableJobStore : IJobStore
{
    /// <summary>Gets how long a claim or a renewal holds a job for its owner.</summary>
    TimeSpan LeaseDuration { get; }

    /// <summary>Records a new job, like <see cref="IJobStore.AddAsync"/>, held by <paramref name="owner"/> when one is given.</summary>
    /// <param name="job">The job, Queued or Scheduled.</param>
    /// <param name="owner">
    /// The only owner that may claim the job (a lambda job, whose code lives in that process alone), under a
    /// lease from now on; <see langword="null"/> for a job any host may claim (a typed job).
    /// </param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes once the job is stored durably.</returns>
    ValueTask AddAsync(JobRecord job, string? owner, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records a new Queued job already claimed by <paramref name="owner"/>, in one write: Running at its first
    /// attempt, started at <paramref name="now"/>, under a lease until <paramref name="now"/> + <see cref="LeaseDuration"/>,
    /// exactly as if <see cref="ClaimAsync"/> had claimed it the moment it was added. The engine uses it for a typed job
    /// enqueued on a host that has a free worker, so the job needs no claim; if the host dies, the job is recovered
    /// like any other claimed job.
    /// </summary>
    /// <param name="job">The job, Queued, at attempt 0.</param>
    /// <param name="owner">The owner that holds the claim.</param>
    /// <param name="now">The claim's time: the job's start time and the start of its lease.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>
    /// <see langword="true"/> once the job is stored claimed; <see langword="false"/> once it is stored Queued for any
    /// host to claim, as by <see cref="AddAsync(JobRecord, string, CancellationToken)"/> with no owner (the default, for
    /// a store that cannot claim as it adds).
    /// </returns>
    async ValueTask<bool> AddClaimedAsync(JobRecord job, string owner, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await AddAsync(job, owner: null, cancellationToken).ConfigureAwait(false);
        return false;
    }

    /// <summary>
    /// Records a new job with a <see cref="JobRecord.UniqueKey"/>, like <see cref="IJobStore.AddUniqueAsync"/>, held by
    /// <paramref name="owner"/> when one is given (as in <see cref="AddAsync(JobRecord, string, CancellationToken)"/>).
    /// </summary>
    /// <param name="job">The job, Queued or Scheduled, with a non-empty unique key.</param>
    /// <param name="owner">The only owner that may claim the job, or <see langword="null"/> for a job any host may claim.</param>
    /// <param name="finishedSince">When set, a job with the key that finished at or after this time also holds the key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The id of the job that holds the key: <paramref name="job"/>'s own id when it was recorded.</returns>
    /// <remarks>
    /// The check and the insert are one atomic step for every host that shares the store (see
    /// <see cref="IJobStore.AddUniqueAsync"/>): a unique index on the key over the rows that are not terminal, and a
    /// look-up in the same transaction. The default serialises the calls of this process only, so a store that hosts
    /// share must override it.
    /// </remarks>
    ValueTask<JobId> AddUniqueAsync(JobRecord job, string? owner, DateTimeOffset? finishedSince, CancellationToken cancellationToken = default)
        => UniqueKeys.AddSerializedAsync(this, job, owner, finishedSince, cancellationToken);

    /// <summary>
    /// Claims up to <paramref name="max"/> jobs of a queue that are due at <paramref name="now"/> (Queued, or
    /// Scheduled and Retrying jobs whose time has come) and that no other owner holds, by priority, due time and
    /// id, in one atomic step: each becomes Running for <paramref name="owner"/> with its next attempt, its
    /// start time <paramref name="now"/> and a lease until <paramref name="now"/> + <see cref="LeaseDuration"/>.
    /// </summary>
    /// <returns>The claimed records (arguments included), in the order they were picked.</returns>
    ValueTask<IReadOnlyList<JobRecord>> ClaimAsync(string queue, string owner, int max, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Extends the lease of every job <paramref name="owner"/> holds to <paramref name="now"/> + <see cref="LeaseDuration"/>.</summary>
    /// <returns>The ids of the jobs still held: a job the owner runs that is missing here was recovered by another host.</returns>
    ValueTask<IReadOnlyList<JobId>> RenewLeasesAsync(string owner, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records a transition and reports the continuations it settled. With an <paramref name="owner"/>, it records the
    /// outcome of a claimed attempt (Retrying, Succeeded, Failed or Cancelled), only while the job is still Running for
    /// <paramref name="owner"/> at the transition's attempt: a host that lost its lease can never overwrite a recovery or
    /// a newer attempt. Retrying releases a typed job to every host. Without one, it records any transition as
    /// <see cref="IJobStore.TransitionAsync"/> does.
    /// </summary>
    /// <param name="id">The job.</param>
    /// <param name="transition">The change.</param>
    /// <param name="owner">The owner that claimed the attempt; <see langword="null"/> for a change by id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>
    /// Whether the transition was recorded and, when it made the job terminal, the waiting continuations that the same
    /// step settled (see the remarks on the interface), as they are after it.
    /// </returns>
    ValueTask<JobTransitionResult> TransitionAsync(JobId id, JobTransition transition, string? owner, CancellationToken cancellationToken = default);

    /// <summary>
    /// Recovers the jobs of owners whose lease expired before <paramref name="now"/>, and, at once, every job of
    /// an earlier instance of <paramref name="host"/> (any owner <c>"{host}/…"</c> but <paramref name="currentOwner"/>).
    /// </summary>
    /// <param name="now">The current time.</param>
    /// <param name="host">The restarted host's name, or <see langword="null"/> to recover expired leases only.</param>
    /// <param name="currentOwner">The owner that must not be recovered: the caller itself.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>
    /// Every record the step changed, as it is after it: the jobs recovered (queued again for their next attempt, or
    /// Failed), then the continuations that the end of those that failed settled. The engine that called it tells its
    /// <see cref="IJobStateObserver"/>s, so each change is heard once, on the host that made it.
    /// </returns>
    ValueTask<IReadOnlyList<JobRecord>> RecoverAsync(DateTimeOffset now, string? host, string currentOwner, CancellationToken cancellationToken = default);
}
