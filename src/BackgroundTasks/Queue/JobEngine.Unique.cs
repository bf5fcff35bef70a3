namespace BackgroundTasks;

/// <summary>Jobs with a unique key: the store records the job only if no other job holds its key, and says which job does.</summary>
internal sealed partial class JobEngine
{
    public ValueTask<JobEnqueueResult> EnqueueUniqueAsync(Func<JobContext, Task> job, JobOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        ThrowIfNoKey(options);
        var queue = Resolve(options);
        return AcceptUniqueAsync(new DelegateJob(JobId.NewId(), SettingsFor(queue, options), job), queue, options, cancellationToken);
    }

    public ValueTask<JobEnqueueResult> EnqueueUniqueAsync<TJob, TArgs>(TArgs args, JobOptions options, CancellationToken cancellationToken = default)
        where TJob : class
    {
        ThrowIfNoKey(options);
        var (job, queue) = NewTypedJob<TJob, TArgs>(args, options);
        return AcceptUniqueAsync(job, queue, options, cancellationToken);
    }

    private static void ThrowIfNoKey(JobOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.UniqueKey is null)
        {
            throw new ArgumentException("JobOptions.UniqueKey is not set: EnqueueUniqueAsync needs the key that tells duplicates apart (for example \"invoice:42\"). Use EnqueueAsync for a job without one.", nameof(options));
        }
    }

    private static async ValueTask<JobId> IdOf(ValueTask<JobEnqueueResult> result) => (await result.ConfigureAwait(false)).Id;

    private (TypedJob Job, NamedQueue Queue) NewTypedJob<TJob, TArgs>(TArgs args, JobOptions? options)
    {
        var registration = _registry.For(typeof(TJob));
        var queue = Resolve(options);
        if (options?.Name is { } name && !string.Equals(name, registration.Name, StringComparison.Ordinal))
        {
            throw new ArgumentException($"JobOptions.Name is '{name}', but a typed job is named by its registration: '{registration.Name}'. Leave Name unset.", nameof(options));
        }

        var arguments = registration.SerializeArguments(args);
        return (new TypedJob(JobId.NewId(), SettingsFor(queue, options, registration.Name), registration, arguments), queue);
    }

    /// <summary>Takes a slot like any job, asks the store to record the job unless its key is held, and admits it if it was recorded.</summary>
    private async ValueTask<JobEnqueueResult> AcceptUniqueAsync(LiveJob job, NamedQueue queue, JobOptions options, CancellationToken cancellationToken)
    {
        ThrowIfClosed();
        cancellationToken.ThrowIfCancellationRequested();
        var dueAt = DueAt(options);
        if (dueAt is null && Claimer is null)
        {
            if (!queue.TryReserve())
            {
                if (queue.Options.FullMode == QueueFullMode.Reject)
                {
                    throw new JobQueueFullException(queue.Name, queue.Options.Capacity);
                }

                await queue.ReserveAsync(cancellationToken).ConfigureAwait(false);
            }

            job.HoldsSlot = true;
        }

        // As in RecordNewAsync: a lambda on a durable store is live before its row exists, for this host's claim loop.
        var liveFirst = Claimer is not null && job.Arguments is null && _alive.TryAdd(job.Id, job);
        var now = Time.GetUtcNow();
        DateTimeOffset? finishedSince = options.UniqueFor > TimeSpan.Zero ? now - options.UniqueFor : null;
        (object? Handle, JobId Holder) added;
        try
        {
            added = await Records.AddUniqueAsync(job.Id, job.Settings, job.Arguments, now, dueAt, finishedSince, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Forget(job, queue, liveFirst);
            throw;
        }

        if (added.Holder != job.Id)
        {
            Forget(job, queue, liveFirst);
            return new JobEnqueueResult(added.Holder, IsDuplicate: true);
        }

        job.KeepStoreHandle(added.Handle);
        Admit(job, queue, dueAt);
        return new JobEnqueueResult(job.Id, IsDuplicate: false);
    }

    /// <summary>Lets go of a job the store did not record.</summary>
    private void Forget(LiveJob job, NamedQueue queue, bool live)
    {
        ReleaseSlot(job, queue);
        if (live)
        {
            _alive.Remove(job.Id, job);
        }
    }
}
