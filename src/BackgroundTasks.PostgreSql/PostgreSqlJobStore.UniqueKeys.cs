using BackgroundTasks.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace BackgroundTasks.PostgreSql;

/// <summary>
/// Unique keys: a look-up of the key's holder and an insert that the unique index <c>jobs_unique_live</c> may refuse,
/// in one transaction of their own; an insert refused because another host's add of the key committed meanwhile reads
/// the holder again, so hosts racing on one key get one job.
/// </summary>
public sealed partial class PostgreSqlJobStore
{
    /// <summary>How many times an add of a unique job starts over when the job that refused it ended and left before it could be read.</summary>
    private const int UniqueAttempts = 5;

    private string? _holderSql;
    private PositionalStatement? _uniqueInsert;
    private string? _idTakenSql;
    private string? _keyLockSql;

    /// <inheritdoc/>
    /// <remarks>
    /// The look-up and the insert run in one transaction on a connection of their own (not through the batching writer).
    /// The insert is <c>ON CONFLICT DO NOTHING</c>: when another host's add of the key is under way, it waits for that add's
    /// commit and then records nothing, and the look-up that follows (a new statement, so it sees that commit) finds the holder.
    /// </remarks>
    public ValueTask<JobId> AddUniqueAsync(JobRecord job, DateTimeOffset? finishedSince, CancellationToken cancellationToken = default)
        => AddUniqueCoreAsync(job, owner: null, finishedSince, cancellationToken);

    /// <inheritdoc/>
    ValueTask<JobId> IDurableJobStore.AddUniqueAsync(JobRecord job, string? owner, DateTimeOffset? finishedSince, CancellationToken cancellationToken)
        => AddUniqueCoreAsync(job, owner, finishedSince, cancellationToken);

    private static bool IsHeldKey(PostgresException exception)
        => exception.SqlState == PostgresErrorCodes.UniqueViolation && exception.ConstraintName == "jobs_unique_live";

    private static ArgumentException HeldKey(JobRecord job, Exception exception, string paramName)
        => new($"Job {job.Id} has unique key '{job.UniqueKey}', which a job that has not finished holds: add it with AddUniqueAsync to get that job instead.", paramName, exception);

    private ValueTask<JobId> AddUniqueCoreAsync(JobRecord job, string? owner, DateTimeOffset? finishedSince, CancellationToken cancellationToken)
    {
        NewJobChecks.ThrowIfNotNew(job, nameof(job));
        if (string.IsNullOrEmpty(job.UniqueKey))
        {
            throw new ArgumentException($"Job {job.Id} has no UniqueKey: AddUniqueAsync needs one. Record a job without a key with AddAsync.", nameof(job));
        }

        return new(AddUniqueLoopAsync(job, owner, finishedSince, cancellationToken));
    }

    private async Task<JobId> AddUniqueLoopAsync(JobRecord job, string? owner, DateTimeOffset? finishedSince, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        _holderSql ??= $"(SELECT id FROM {_jobs} WHERE unique_key = @key AND status < 4 LIMIT 1) UNION ALL "
            + $"(SELECT id FROM {_jobs} WHERE @since::bigint IS NOT NULL AND unique_key = @key AND status >= 4 AND finished_at >= @since::bigint ORDER BY finished_at DESC LIMIT 1) LIMIT 1";

        // Without a conflict target, the insert gives way to the unique index on the key as well as to the primary key.
        _uniqueInsert ??= new(JobRows.InsertSql(_jobs).Replace(" ON CONFLICT (id) DO NOTHING", " ON CONFLICT DO NOTHING", StringComparison.Ordinal));
        _idTakenSql ??= $"SELECT 1 FROM {_jobs} WHERE id = @id";

        // Adds of one key take turns: without it, a job of the key could be added, run and finished between this
        // transaction's look-up and its insert, and the insert (which the index then no longer refuses) would add it twice.
        _keyLockSql ??= $"SELECT pg_advisory_xact_lock(hashtext('backgroundtasks.unique.' || {PostgreSqlSchema.Literal(Schema)}), hashtext(@key))";
        for (var attempt = 1; ; attempt++)
        {
            var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    var keyLock = new NpgsqlCommand(_keyLockSql, connection, transaction);
                    await using (keyLock.ConfigureAwait(false))
                    {
                        keyLock.Parameters.AddWithValue("key", job.UniqueKey!);
                        await keyLock.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    var holder = await FindHolderAsync(connection, transaction, job.UniqueKey!, finishedSince, cancellationToken).ConfigureAwait(false);
                    if (holder is null && await InsertUniqueAsync(connection, transaction, job, owner, cancellationToken).ConfigureAwait(false))
                    {
                        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                        return job.Id;
                    }

                    // Refused: a job of the key committed after the first look-up (this statement sees it), or the id is taken.
                    holder ??= await FindHolderAsync(connection, transaction, job.UniqueKey!, finishedSince, cancellationToken).ConfigureAwait(false);
                    if (holder is { } found)
                    {
                        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                        return found;
                    }

                    var taken = new NpgsqlCommand(_idTakenSql, connection, transaction);
                    await using (taken.ConfigureAwait(false))
                    {
                        taken.Parameters.AddWithValue("id", job.Id.ToString());
                        if (await taken.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
                        {
                            throw NewJobChecks.DuplicateId(job.Id, nameof(job));
                        }
                    }
                }
            }

            if (attempt == UniqueAttempts)
            {
                throw new InvalidOperationException(
                    $"Job {job.Id} with unique key '{job.UniqueKey}' was refused {UniqueAttempts} times by a job of the same key that ended and was deleted before it could be read; try again.");
            }
        }
    }

    private async Task<JobId?> FindHolderAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string key, DateTimeOffset? finishedSince, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(_holderSql, connection, transaction);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("key", key);
            command.Parameters.Add(new NpgsqlParameter("since", NpgsqlDbType.Bigint) { Value = finishedSince is { } since ? since.UtcTicks : DBNull.Value });
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string id ? JobId.Parse(id) : null;
        }
    }

    private async Task<bool> InsertUniqueAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, JobRecord job, string? owner, CancellationToken cancellationToken)
    {
        var batch = new NpgsqlBatch(connection, transaction);
        await using (batch.ConfigureAwait(false))
        {
            var leaseUntil = owner is null ? (DateTimeOffset?)null : _clock.GetUtcNow() + LeaseDuration;
            batch.BatchCommands.Add(_uniqueInsert!.CreateCommand(p => JobRows.BindInsert(p, job, _resultOptions, owner, leaseUntil)));

            // When the insert gives way the transaction still commits, and the claimers it wakes find nothing new: harmless.
            if (WakesOtherHosts(job, owner))
            {
                batch.BatchCommands.Add(_notifier.Ready(job.Queue));
            }

            return await batch.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
        }
    }
}
