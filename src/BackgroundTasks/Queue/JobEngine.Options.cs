namespace BackgroundTasks;

/// <summary>Checking a job's options and resolving them against its queue's defaults.</summary>
internal sealed partial class JobEngine
{
    private static JobSettings SettingsFor(NamedQueue queue, JobOptions? options, string? name = null)
    {
        // The enqueuing code's trace context travels with the job (its activity's id is made once and kept).
        var enqueuing = JobActivities.Enqueuing();
        if (options is null && name is null && enqueuing is null)
        {
            return queue.Defaults;
        }

        var defaults = queue.Options;
        return new JobSettings(
            queue.Name,
            name ?? options?.Name,
            options?.Priority ?? JobPriority.Normal,
            options?.MaxAttempts ?? defaults.MaxAttempts,
            options?.ParentId,
            options?.Timeout ?? defaults.Timeout,
            options?.Backoff ?? defaults.Backoff,
            enqueuing?.Id,
            enqueuing?.TraceStateString,
            options?.UniqueKey,
            options?.ContinueAfter,
            options?.ContinueWhen ?? JobContinuation.Succeeded);
    }

    /// <summary>When a delayed job is due; <see langword="null"/> for a job that is due now.</summary>
    private DateTimeOffset? DueAt(JobOptions? options)
    {
        if (options is null || (options.Delay is null && options.RunAt is null))
        {
            return null;
        }

        var now = Time.GetUtcNow();
        var dueAt = options.Delay is { } delay ? now + delay : options.RunAt;
        return dueAt > now ? dueAt : null;
    }

    /// <summary>Gets the queue a job's options name; jobs enqueued without options (small enough to inline) go to the default queue.</summary>
    private NamedQueue Resolve(JobOptions? options) => options is null ? _defaultQueue : ResolveChecked(options);

    private NamedQueue ResolveChecked(JobOptions options)
    {
        if (options.Timeout is { } timeout && timeout <= TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException($"JobOptions.Timeout is {timeout}: it must be positive, or Timeout.InfiniteTimeSpan for none.", nameof(options));
        }

        if (options.MaxAttempts is < 1)
        {
            throw new ArgumentException($"JobOptions.MaxAttempts is {options.MaxAttempts}: it must be at least 1 (1 means no retries).", nameof(options));
        }

        if (options.Delay is { } delay && delay < TimeSpan.Zero)
        {
            throw new ArgumentException($"JobOptions.Delay is {delay}: it must not be negative.", nameof(options));
        }

        if (options.Delay is not null && options.RunAt is not null)
        {
            throw new ArgumentException("JobOptions.Delay and JobOptions.RunAt are both set: set only one of them.", nameof(options));
        }

        if (options.UniqueKey is { } key && string.IsNullOrWhiteSpace(key))
        {
            throw new ArgumentException("JobOptions.UniqueKey is empty: set a key that names the work (for example \"invoice:42\"), or leave it null for no key.", nameof(options));
        }

        if (options.UniqueFor < TimeSpan.Zero)
        {
            throw new ArgumentException($"JobOptions.UniqueFor is {options.UniqueFor}: it must not be negative (TimeSpan.Zero frees the key when its job finishes).", nameof(options));
        }

        if (options.UniqueFor > TimeSpan.Zero && options.UniqueKey is null)
        {
            throw new ArgumentException($"JobOptions.UniqueFor is {options.UniqueFor}, but UniqueKey is not set: set the key the window applies to.", nameof(options));
        }

        if (options.ContinueAfter is not null)
        {
            if (options.UniqueKey is not null)
            {
                throw new ArgumentException("JobOptions.ContinueAfter and UniqueKey are both set: a continuation cannot hold a unique key yet; set only one of them.", nameof(options));
            }

            ThrowIfBadContinuation(options);
        }

        if (!Enum.IsDefined(options.Priority))
        {
            throw new ArgumentException($"JobOptions.Priority is {(int)options.Priority}: use JobPriority.High, Normal or Low.", nameof(options));
        }

        if (options.Queue is null)
        {
            return _defaultQueue;
        }

        return _queues.TryGetValue(options.Queue, out var queue)
            ? queue
            : throw new ArgumentException(
                $"JobOptions.Queue is '{options.Queue}', which is not a configured queue. Known queues: {string.Join(", ", _queues.Keys.Order(StringComparer.Ordinal).Select(static k => $"'{k}'"))}. Add it with AddBackgroundJobs().AddQueue(\"{options.Queue}\").",
                nameof(options));
    }
}
