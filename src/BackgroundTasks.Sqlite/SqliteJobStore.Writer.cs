namespace BackgroundTasks.Sqlite;

/// <summary>The writes of the <see cref="IJobStore"/> contract, each queued to the one writer and answered once committed.</summary>
public sealed partial class SqliteJobStore
{
    private const string ProgressSql = "UPDATE bt_jobs SET progress_percent = $progress_percent, progress_message = $progress_message, "
        + "progress_done = $progress_done, progress_total = $progress_total WHERE id = $id AND status < 4";

    /// <inheritdoc/>
    /// <remarks>The returned task completes once the job's row is committed.</remarks>
    public ValueTask AddAsync(JobRecord job, CancellationToken cancellationToken = default)
    {
        NewJobChecks.ThrowIfNotNew(job, nameof(job));
        return new ValueTask(_writer.WriteAsync(
            writer => InsertJob(writer, job) ? true : throw NewJobChecks.DuplicateId(job.Id, nameof(job)),
            cancellationToken));
    }

    /// <summary>Records many newly accepted jobs in one transaction: all of them, or (when one id is already recorded) none.</summary>
    /// <param name="jobs">The jobs, each Queued or Scheduled, with distinct ids.</param>
    /// <param name="cancellationToken">Cancels the call while it waits for the writer; once the writer has taken it, it commits.</param>
    /// <returns>A task that completes once every job's row is committed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="jobs"/> or one of its jobs is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A job is neither Queued nor Scheduled, two jobs share an id, or an id is already recorded (then no job is added).</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public ValueTask AddManyAsync(IReadOnlyList<JobRecord> jobs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var ids = new HashSet<JobId>(jobs.Count);
        foreach (var job in jobs)
        {
            NewJobChecks.ThrowIfNotNew(job, nameof(jobs));
            if (!ids.Add(job.Id))
            {
                throw new ArgumentException($"Job {job.Id} appears twice in the list; each job needs its own id.", nameof(jobs));
            }
        }

        if (jobs.Count == 0)
        {
            return ValueTask.CompletedTask;
        }

        return new ValueTask(_writer.WriteAsync(
            writer =>
            {
                foreach (var job in jobs)
                {
                    if (!InsertJob(writer, job))
                    {
                        throw NewJobChecks.DuplicateId(job.Id, nameof(jobs)); // the writer rolls back this call's inserts
                    }
                }

                return true;
            },
            cancellationToken));
    }

    /// <inheritdoc/>
    /// <remarks>The check and the change are one UPDATE, so racing writes for a job have one winner.</remarks>
    public ValueTask<bool> TransitionAsync(JobId id, JobTransition transition, CancellationToken cancellationToken = default)
        => new(TransitionCoreAsync(id, transition, owner: null, cancellationToken));

    /// <inheritdoc/>
    public ValueTask<bool> ReportProgressAsync(JobId id, JobProgress progress, CancellationToken cancellationToken = default)
    {
        var key = id.ToString();
        return new(_writer.WriteAsync(
            writer =>
            {
                var command = writer.Command(ProgressSql);
                command.Parameters.AddWithValue("$id", key);
                JobRows.AddProgress(command.Parameters, progress);
                return command.ExecuteNonQuery() == 1;
            },
            cancellationToken));
    }

    private Task<bool> TransitionCoreAsync(JobId id, JobTransition transition, string? owner, CancellationToken cancellationToken)
    {
        if (TransitionSql.For(transition.Status, transition.Error is not null, owner is not null) is not { } sql)
        {
            // No job may move to this status (Scheduled), so the answer needs no write.
            return Task.FromResult(false);
        }

        var encoded = Encode(transition);
        return _writer.WriteAsync(writer => Transition(writer, sql, id, transition, encoded, owner).IsRecorded, cancellationToken);
    }

    /// <summary>The same, answering with the continuations the write settled.</summary>
    private Task<JobTransitionResult> TransitionSettlingAsync(JobId id, JobTransition transition, string? owner, CancellationToken cancellationToken)
    {
        if (TransitionSql.For(transition.Status, transition.Error is not null, owner is not null) is not { } sql)
        {
            return Task.FromResult(JobTransitionResult.Refused);
        }

        var encoded = Encode(transition);
        return _writer.WriteAsync(writer => Transition(writer, sql, id, transition, encoded, owner), cancellationToken);
    }

    // Encoded by the caller, so that the one writer only writes.
    private (string? Kind, string? Value) Encode(JobTransition transition)
        => transition.Status == JobStatus.Succeeded ? ResultCodec.Encode(transition.Result, _resultOptions) : default;

    private JobTransitionResult Transition(GroupCommitWriter writer, string sql, JobId id, JobTransition transition, (string? Kind, string? Value) result, string? owner)
    {
        var key = id.ToString();
        var command = writer.Command(sql);
        TransitionSql.AddParameters(command.Parameters, key, transition, result, owner, _clock.GetUtcNow());
        if (command.ExecuteNonQuery() != 1)
        {
            return JobTransitionResult.Refused;
        }

        // In the same transaction as the end: a crash cannot leave a continuation waiting for a job that ended.
        return transition.Status.IsTerminal() && SettleContinuations(writer, key, transition.Status, transition.Timestamp) is { } settled
            ? new JobTransitionResult(true, settled)
            : JobTransitionResult.Recorded;
    }
}
