namespace BackgroundTasks.Sqlite;

/// <summary>Unique keys: the look-up and the insert run in one write transaction, and a unique index over the rows that are not terminal backs them for every process.</summary>
public sealed partial class SqliteJobStore
{
    private const string LiveHolderSql = "SELECT id FROM bt_jobs WHERE unique_key = $key AND status < 4";

    private const string FinishedHolderSql = "SELECT id FROM bt_jobs WHERE unique_key = $key AND status >= 4 AND finished_at >= $since ORDER BY finished_at DESC LIMIT 1";

    /// <inheritdoc/>
    /// <remarks>
    /// The look-up and the insert are one write of the store's writer, inside a <c>BEGIN IMMEDIATE</c> transaction, so
    /// no other process writes between them; the unique index <c>bt_jobs_unique_live</c> holds the rule whatever writes
    /// the file.
    /// </remarks>
    public ValueTask<JobId> AddUniqueAsync(JobRecord job, DateTimeOffset? finishedSince, CancellationToken cancellationToken = default)
        => AddUniqueCoreAsync(job, owner: null, finishedSince, cancellationToken);

    /// <inheritdoc/>
    ValueTask<JobId> IDurableJobStore.AddUniqueAsync(JobRecord job, string? owner, DateTimeOffset? finishedSince, CancellationToken cancellationToken)
        => AddUniqueCoreAsync(job, owner, finishedSince, cancellationToken);

    private ValueTask<JobId> AddUniqueCoreAsync(JobRecord job, string? owner, DateTimeOffset? finishedSince, CancellationToken cancellationToken)
    {
        NewJobChecks.ThrowIfNotNew(job, nameof(job));
        if (string.IsNullOrEmpty(job.UniqueKey))
        {
            throw new ArgumentException($"Job {job.Id} has no UniqueKey: AddUniqueAsync needs one. Record a job without a key with AddAsync.", nameof(job));
        }

        var leaseUntil = owner is null ? (DateTimeOffset?)null : _clock.GetUtcNow() + LeaseDuration;
        return new ValueTask<JobId>(_writer.WriteAsync(
            writer =>
            {
                if (FindHolder(writer, job.UniqueKey, finishedSince) is { } holder)
                {
                    return holder;
                }

                return InsertJob(writer, job, owner, leaseUntil) ? job.Id : throw NewJobChecks.DuplicateId(job.Id, nameof(job));
            },
            cancellationToken));
    }

    private static JobId? FindHolder(GroupCommitWriter writer, string key, DateTimeOffset? finishedSince)
    {
        var live = writer.Command(LiveHolderSql);
        live.Parameters.AddWithValue("$key", key);
        if (live.ExecuteScalar() is string id)
        {
            return JobId.Parse(id);
        }

        if (finishedSince is not { } since)
        {
            return null;
        }

        var finished = writer.Command(FinishedHolderSql);
        finished.Parameters.AddWithValue("$key", key);
        finished.Parameters.AddWithValue("$since", since.UtcTicks);
        return finished.ExecuteScalar() is string finishedId ? JobId.Parse(finishedId) : null;
    }
}
