namespace BackgroundTasks;

/// <summary>
/// Accepts background jobs. Every accepted job gets an id, is recorded in the <see cref="IJobStore"/>
/// and ends in exactly one terminal status: succeeded, failed or cancelled.
/// </summary>
/// <remarks>
/// Enqueueing waits only when the job's queue is full and its <see cref="JobQueueOptions.FullMode"/> is
/// <see cref="QueueFullMode.Wait"/>; otherwise the returned task is already complete (with the default
/// in-memory store).
/// </remarks>
public interface IJobQueue
{
    /// <summary>Enqueues a job.</summary>
    /// <param name="job">The work. It receives a <see cref="JobContext"/> with its cancellation token, progress reporting and a DI scope.</param>
    /// <param name="options">The job's settings, or <see langword="null"/> for its queue's defaults.</param>
    /// <param name="cancellationToken">Stops waiting for space in a full queue; the job is then not accepted.</param>
    /// <returns>The job's id.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="job"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> names an unknown queue or holds an invalid value.</exception>
    /// <exception cref="JobQueueFullException">The queue is full and rejects.</exception>
    /// <exception cref="InvalidOperationException">The host is stopping or has stopped.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired while waiting for space.</exception>
    ValueTask<JobId> EnqueueAsync(Func<JobContext, Task> job, JobOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Enqueues a job that returns a value; the store keeps the value as the job's result.</summary>
    /// <typeparam name="TResult">The type of the value.</typeparam>
    /// <param name="job">The work.</param>
    /// <param name="options">The job's settings, or <see langword="null"/> for its queue's defaults.</param>
    /// <param name="cancellationToken">Stops waiting for space in a full queue; the job is then not accepted.</param>
    /// <returns>The job's id.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="job"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> names an unknown queue or holds an invalid value.</exception>
    /// <exception cref="JobQueueFullException">The queue is full and rejects.</exception>
    /// <exception cref="InvalidOperationException">The host is stopping or has stopped.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired while waiting for space.</exception>
    ValueTask<JobId> EnqueueAsync<TResult>(Func<JobContext, Task<TResult>> job, JobOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Enqueues a job that receives a service resolved from a DI scope of its own, disposed after the job.</summary>
    /// <typeparam name="TService">The service the job needs.</typeparam>
    /// <param name="job">The work.</param>
    /// <param name="options">The job's settings, or <see langword="null"/> for its queue's defaults.</param>
    /// <param name="cancellationToken">Stops waiting for space in a full queue; the job is then not accepted.</param>
    /// <returns>The job's id.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="job"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> names an unknown queue or holds an invalid value.</exception>
    /// <exception cref="JobQueueFullException">The queue is full and rejects.</exception>
    /// <exception cref="InvalidOperationException">The host is stopping or has stopped.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired while waiting for space.</exception>
    ValueTask<JobId> EnqueueAsync<TService>(Func<TService, JobContext, Task> job, JobOptions? options = null, CancellationToken cancellationToken = default)
        where TService : notnull;

    /// <summary>
    /// Enqueues a typed job: a class registered with <c>AddJob&lt;TJob, TArgs&gt;("name")</c>, resolved from a DI
    /// scope of its own for each attempt. The arguments are serialized with System.Text.Json when the job is
    /// enqueued, so a store can keep them (<see cref="JobRecord.Arguments"/>); the record's
    /// <see cref="JobRecord.Name"/> is the registered name.
    /// </summary>
    /// <typeparam name="TJob">The job's class, an <see cref="IJob{TArgs}"/> or <see cref="IJob{TArgs, TResult}"/>.</typeparam>
    /// <typeparam name="TArgs">The arguments' type, as registered.</typeparam>
    /// <param name="args">The arguments.</param>
    /// <param name="options">The job's settings, or <see langword="null"/> for its queue's defaults. <see cref="JobOptions.Name"/> must stay unset.</param>
    /// <param name="cancellationToken">Stops waiting for space in a full queue; the job is then not accepted.</param>
    /// <returns>The job's id.</returns>
    /// <exception cref="InvalidOperationException"><typeparamref name="TJob"/> is not registered, or the host is stopping or has stopped.</exception>
    /// <exception cref="ArgumentException">
    /// The arguments do not survive serialization (the message names the job and the member), are not of the
    /// registered type, or <paramref name="options"/> names an unknown queue or holds an invalid value.
    /// </exception>
    /// <exception cref="JobQueueFullException">The queue is full and rejects.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired while waiting for space.</exception>
    ValueTask<JobId> EnqueueAsync<TJob, TArgs>(TArgs args, JobOptions? options = null, CancellationToken cancellationToken = default)
        where TJob : class;

    /// <summary>
    /// Enqueues many typed jobs of one kind, for imports: every argument is serialized and checked first (a bad
    /// one enqueues nothing), then the jobs are accepted together, so that a durable store commits them in few
    /// transactions. Jobs accepted before a failure (a full queue that rejects, a store that fails) stay accepted.
    /// </summary>
    /// <typeparam name="TJob">The job's class, an <see cref="IJob{TArgs}"/> or <see cref="IJob{TArgs, TResult}"/>.</typeparam>
    /// <typeparam name="TArgs">The arguments' type, as registered.</typeparam>
    /// <param name="args">The arguments, one job each.</param>
    /// <param name="options">The jobs' settings, or <see langword="null"/> for their queue's defaults.</param>
    /// <param name="cancellationToken">Stops waiting for space in a full queue.</param>
    /// <returns>The jobs' ids, in the order of <paramref name="args"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="args"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException"><typeparamref name="TJob"/> is not registered, or the host is stopping or has stopped.</exception>
    /// <exception cref="ArgumentException">An argument does not survive serialization, or <paramref name="options"/> is invalid.</exception>
    Task<IReadOnlyList<JobId>> EnqueueManyAsync<TJob, TArgs>(IEnumerable<TArgs> args, JobOptions? options = null, CancellationToken cancellationToken = default)
        where TJob : class;

    /// <summary>
    /// Enqueues a job unless a job with the same <see cref="JobOptions.UniqueKey"/> is Scheduled, Queued, Running or
    /// Retrying, or finished within <see cref="JobOptions.UniqueFor"/>; then nothing is enqueued and the result carries
    /// that job's id. The store settles races: when producers enqueue one key at once, on one host or several sharing a
    /// durable store, exactly one job is enqueued.
    /// </summary>
    /// <param name="job">The work.</param>
    /// <param name="options">The job's settings, with its <see cref="JobOptions.UniqueKey"/>.</param>
    /// <param name="cancellationToken">Stops waiting for space in a full queue; the job is then not accepted.</param>
    /// <returns>The id of the job that holds the key, and whether it was there already.</returns>
    /// <remarks>
    /// <see cref="EnqueueAsync(Func{JobContext, Task}, JobOptions?, CancellationToken)"/> and the other overloads apply
    /// the same rule to a job with a key, and return the id of the job that holds it (the new job's id, or the earlier
    /// one's for a duplicate). A duplicate still takes a slot of a full queue while it is checked: it waits for space or
    /// is rejected like any job.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="job"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> has no unique key, names an unknown queue or holds an invalid value.</exception>
    /// <exception cref="JobQueueFullException">The queue is full and rejects.</exception>
    /// <exception cref="InvalidOperationException">The host is stopping or has stopped.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired while waiting for space.</exception>
    ValueTask<JobEnqueueResult> EnqueueUniqueAsync(Func<JobContext, Task> job, JobOptions options, CancellationToken cancellationToken = default);

    /// <summary>
    /// Enqueues a typed job unless a job with the same <see cref="JobOptions.UniqueKey"/> holds it, as
    /// <see cref="EnqueueUniqueAsync(Func{JobContext, Task}, JobOptions, CancellationToken)"/> does for a lambda.
    /// </summary>
    /// <typeparam name="TJob">The job's class, an <see cref="IJob{TArgs}"/> or <see cref="IJob{TArgs, TResult}"/>.</typeparam>
    /// <typeparam name="TArgs">The arguments' type, as registered.</typeparam>
    /// <param name="args">The arguments.</param>
    /// <param name="options">The job's settings, with its <see cref="JobOptions.UniqueKey"/>.</param>
    /// <param name="cancellationToken">Stops waiting for space in a full queue; the job is then not accepted.</param>
    /// <returns>The id of the job that holds the key, and whether it was there already.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException"><typeparamref name="TJob"/> is not registered, or the host is stopping or has stopped.</exception>
    /// <exception cref="ArgumentException">The arguments do not survive serialization, or <paramref name="options"/> has no unique key or is invalid.</exception>
    /// <exception cref="JobQueueFullException">The queue is full and rejects.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired while waiting for space.</exception>
    ValueTask<JobEnqueueResult> EnqueueUniqueAsync<TJob, TArgs>(TArgs args, JobOptions options, CancellationToken cancellationToken = default)
        where TJob : class;

    /// <summary>Enqueues a job if its queue has space now; never waits.</summary>
    /// <param name="job">The work.</param>
    /// <param name="id">The job's id, when accepted.</param>
    /// <param name="options">The job's settings, or <see langword="null"/> for its queue's defaults.</param>
    /// <returns><see langword="true"/> when the job was accepted; <see langword="false"/> when its queue is full.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="job"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> names an unknown queue or holds an invalid value.</exception>
    /// <exception cref="InvalidOperationException">The host is stopping or has stopped.</exception>
    /// <remarks>A job with a <see cref="JobOptions.UniqueKey"/> needs the store's answer first: enqueue it with <see cref="EnqueueUniqueAsync(Func{JobContext, Task}, JobOptions, CancellationToken)"/>.</remarks>
    bool TryEnqueue(Func<JobContext, Task> job, out JobId id, JobOptions? options = null);
}
