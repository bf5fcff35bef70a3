namespace BackgroundTasks.Testing;

/// <summary>The <see cref="IJobQueue"/> of a <see cref="JobsTestHost"/>: it passes every call on to the engine and notes what each accepted job was enqueued with.</summary>
internal sealed class ObservedJobQueue(IJobQueue inner, EnqueueLog log) : IJobQueue
{
    public async ValueTask<JobId> EnqueueAsync(Func<JobContext, Task> job, JobOptions? options = null, CancellationToken cancellationToken = default)
        => Note(await inner.EnqueueAsync(job, options, cancellationToken).ConfigureAwait(false), jobType: null, arguments: null, options);

    public async ValueTask<JobId> EnqueueAsync<TResult>(Func<JobContext, Task<TResult>> job, JobOptions? options = null, CancellationToken cancellationToken = default)
        => Note(await inner.EnqueueAsync(job, options, cancellationToken).ConfigureAwait(false), jobType: null, arguments: null, options);

    public async ValueTask<JobId> EnqueueAsync<TService>(Func<TService, JobContext, Task> job, JobOptions? options = null, CancellationToken cancellationToken = default)
        where TService : notnull
        => Note(await inner.EnqueueAsync(job, options, cancellationToken).ConfigureAwait(false), jobType: null, arguments: null, options);

    public async ValueTask<JobId> EnqueueAsync<TJob, TArgs>(TArgs args, JobOptions? options = null, CancellationToken cancellationToken = default)
        where TJob : class
        => Note(await inner.EnqueueAsync<TJob, TArgs>(args, options, cancellationToken).ConfigureAwait(false), typeof(TJob), args, options);

    public async Task<IReadOnlyList<JobId>> EnqueueManyAsync<TJob, TArgs>(IEnumerable<TArgs> args, JobOptions? options = null, CancellationToken cancellationToken = default)
        where TJob : class
    {
        ArgumentNullException.ThrowIfNull(args);

        // Read once: the engine and the log must see the same arguments, in the same order.
        var list = args as IReadOnlyList<TArgs> ?? args.ToList();
        var ids = await inner.EnqueueManyAsync<TJob, TArgs>(list, options, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < ids.Count; i++)
        {
            Note(ids[i], typeof(TJob), list[i], options);
        }

        return ids;
    }

    public async ValueTask<JobEnqueueResult> EnqueueUniqueAsync(Func<JobContext, Task> job, JobOptions options, CancellationToken cancellationToken = default)
        => NoteNew(await inner.EnqueueUniqueAsync(job, options, cancellationToken).ConfigureAwait(false), jobType: null, arguments: null, options);

    public async ValueTask<JobEnqueueResult> EnqueueUniqueAsync<TJob, TArgs>(TArgs args, JobOptions options, CancellationToken cancellationToken = default)
        where TJob : class
        => NoteNew(await inner.EnqueueUniqueAsync<TJob, TArgs>(args, options, cancellationToken).ConfigureAwait(false), typeof(TJob), args, options);

    public bool TryEnqueue(Func<JobContext, Task> job, out JobId id, JobOptions? options = null)
    {
        if (!inner.TryEnqueue(job, out id, options))
        {
            return false;
        }

        Note(id, jobType: null, arguments: null, options);
        return true;
    }

    /// <summary>Notes a job the call accepted; a duplicate was noted when its holder was enqueued.</summary>
    private JobEnqueueResult NoteNew(JobEnqueueResult result, Type? jobType, object? arguments, JobOptions? options)
    {
        if (!result.IsDuplicate)
        {
            Note(result.Id, jobType, arguments, options);
        }

        return result;
    }

    private JobId Note(JobId id, Type? jobType, object? arguments, JobOptions? options)
    {
        log.Called(id, new EnqueueCall(jobType, arguments, options));
        return id;
    }
}
