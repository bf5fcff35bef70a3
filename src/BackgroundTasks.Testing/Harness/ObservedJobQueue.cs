namespace BackgroundTasks.Testing;

/// <summary>
/// The <see cref="IJobQueue"/> of a <see cref="JobsTestHost"/>: it passes every call on to the engine and notes what each
/// accepted job was enqueued with; in inline mode an enqueue then waits until the jobs are idle (see <see cref="InlineRuns"/>).
/// </summary>
internal sealed class ObservedJobQueue(IJobQueue inner, EnqueueLog log, InlineRuns inline) : IJobQueue
{
    public async ValueTask<JobId> EnqueueAsync(Func<JobContext, Task> job, JobOptions? options = null, CancellationToken cancellationToken = default)
    {
        var wait = inline.Begin();
        var id = Note(await inner.EnqueueAsync(job, options, cancellationToken).ConfigureAwait(false), jobType: null, arguments: null, options);
        await RunInlineAsync(wait, cancellationToken).ConfigureAwait(false);
        return id;
    }

    public async ValueTask<JobId> EnqueueAsync<TResult>(Func<JobContext, Task<TResult>> job, JobOptions? options = null, CancellationToken cancellationToken = default)
    {
        var wait = inline.Begin();
        var id = Note(await inner.EnqueueAsync(job, options, cancellationToken).ConfigureAwait(false), jobType: null, arguments: null, options);
        await RunInlineAsync(wait, cancellationToken).ConfigureAwait(false);
        return id;
    }

    public async ValueTask<JobId> EnqueueAsync<TService>(Func<TService, JobContext, Task> job, JobOptions? options = null, CancellationToken cancellationToken = default)
        where TService : notnull
    {
        var wait = inline.Begin();
        var id = Note(await inner.EnqueueAsync(job, options, cancellationToken).ConfigureAwait(false), jobType: null, arguments: null, options);
        await RunInlineAsync(wait, cancellationToken).ConfigureAwait(false);
        return id;
    }

    public async ValueTask<JobId> EnqueueAsync<TJob, TArgs>(TArgs args, JobOptions? options = null, CancellationToken cancellationToken = default)
        where TJob : class
    {
        var wait = inline.Begin();
        var id = Note(await inner.EnqueueAsync<TJob, TArgs>(args, options, cancellationToken).ConfigureAwait(false), typeof(TJob), args, options);
        await RunInlineAsync(wait, cancellationToken).ConfigureAwait(false);
        return id;
    }

    public async Task<IReadOnlyList<JobId>> EnqueueManyAsync<TJob, TArgs>(IEnumerable<TArgs> args, JobOptions? options = null, CancellationToken cancellationToken = default)
        where TJob : class
    {
        ArgumentNullException.ThrowIfNull(args);

        // Read once: the engine and the log must see the same arguments, in the same order.
        var list = args as IReadOnlyList<TArgs> ?? args.ToList();
        var wait = inline.Begin();
        var ids = await inner.EnqueueManyAsync<TJob, TArgs>(list, options, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < ids.Count; i++)
        {
            Note(ids[i], typeof(TJob), list[i], options);
        }

        await RunInlineAsync(wait, cancellationToken).ConfigureAwait(false);
        return ids;
    }

    public async ValueTask<JobEnqueueResult> EnqueueUniqueAsync(Func<JobContext, Task> job, JobOptions options, CancellationToken cancellationToken = default)
    {
        var wait = inline.Begin();
        var result = NoteNew(await inner.EnqueueUniqueAsync(job, options, cancellationToken).ConfigureAwait(false), jobType: null, arguments: null, options);
        await RunInlineAsync(wait, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public async ValueTask<JobEnqueueResult> EnqueueUniqueAsync<TJob, TArgs>(TArgs args, JobOptions options, CancellationToken cancellationToken = default)
        where TJob : class
    {
        var wait = inline.Begin();
        var result = NoteNew(await inner.EnqueueUniqueAsync<TJob, TArgs>(args, options, cancellationToken).ConfigureAwait(false), typeof(TJob), args, options);
        await RunInlineAsync(wait, cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <remarks>Synchronous, so it never waits, also in inline mode: the job runs on the workers (<see cref="JobsTestHost.RunUntilIdleAsync"/> waits for it).</remarks>
    public bool TryEnqueue(Func<JobContext, Task> job, out JobId id, JobOptions? options = null)
    {
        if (!inner.TryEnqueue(job, out id, options))
        {
            return false;
        }

        Note(id, jobType: null, arguments: null, options);
        return true;
    }

    private static Task RunInlineAsync(Func<CancellationToken, Task>? wait, CancellationToken cancellationToken)
        => wait is null ? Task.CompletedTask : wait(cancellationToken);

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
