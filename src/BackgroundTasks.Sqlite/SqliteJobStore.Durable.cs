namespace BackgroundTasks.Sqlite;

/// <summary>The durable queue the engine claims from (<see cref="IDurableJobStore"/>), on the statements of the other partial files.</summary>
public sealed partial class SqliteJobStore
{
    /// <inheritdoc/>
    TimeSpan IDurableJobStore.LeaseDuration => LeaseDuration;

    /// <inheritdoc/>
    ValueTask IDurableJobStore.AddAsync(JobRecord job, string? owner, CancellationToken cancellationToken)
    {
        if (owner is null)
        {
            return AddAsync(job, cancellationToken);
        }

        NewJobChecks.ThrowIfNotNew(job, nameof(job));
        var leaseUntil = _clock.GetUtcNow() + LeaseDuration;
        return new ValueTask(_writer.WriteAsync(
            writer => InsertJob(writer, job, owner, leaseUntil) ? true : throw NewJobChecks.DuplicateId(job.Id, nameof(job)),
            cancellationToken));
    }

    /// <inheritdoc/>
    ValueTask<bool> IDurableJobStore.AddClaimedAsync(JobRecord job, string owner, DateTimeOffset now, CancellationToken cancellationToken)
    {
        NewJobChecks.ThrowIfNotNew(job, nameof(job));
        ArgumentException.ThrowIfNullOrEmpty(owner);
        if (job.Status != JobStatus.Queued || job.Attempt != 0)
        {
            throw new ArgumentException($"Only a Queued job at attempt 0 can be added claimed, not {job.Status} at attempt {job.Attempt} (job {job.Id}).", nameof(job));
        }

        var claimed = job with { Status = JobStatus.Running, Attempt = 1, StartedAt = now };
        return new ValueTask<bool>(_writer.WriteAsync(
            writer => JobRows.Insert(writer, claimed, _resultOptions, owner, now + LeaseDuration) ? true : throw NewJobChecks.DuplicateId(job.Id, nameof(job)),
            cancellationToken));
    }

    /// <inheritdoc/>
    async ValueTask<IReadOnlyList<JobRecord>> IDurableJobStore.ClaimAsync(string queue, string owner, int max, DateTimeOffset now, CancellationToken cancellationToken)
        => await ClaimAsync(queue, owner, max, now, LeaseDuration, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    async ValueTask<IReadOnlyList<JobId>> IDurableJobStore.RenewLeasesAsync(string owner, DateTimeOffset now, CancellationToken cancellationToken)
        => await RenewLeasesAsync(owner, now + LeaseDuration, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    /// <remarks>The continuations are settled, and read back, in the writer's transaction of the end.</remarks>
    ValueTask<JobTransitionResult> IDurableJobStore.TransitionAsync(JobId id, JobTransition transition, string? owner, CancellationToken cancellationToken)
    {
        if (owner is not null)
        {
            ThrowIfNotOutcome(owner, transition);
        }

        return new(TransitionSettlingAsync(id, transition, owner, cancellationToken));
    }

    /// <inheritdoc/>
    async ValueTask<IReadOnlyList<JobRecord>> IDurableJobStore.RecoverAsync(DateTimeOffset now, string? host, string currentOwner, CancellationToken cancellationToken)
        => (await RecoverHostAsync(now, host, currentOwner, cancellationToken).ConfigureAwait(false)).Changed;
}
