using Npgsql;
using NpgsqlTypes;

namespace BackgroundTasks.PostgreSql;

/// <summary>Recovery of jobs whose host is gone: by an expired lease, or by the owner a restarted host says it was.</summary>
public sealed partial class PostgreSqlJobStore
{
    /// <summary>The error type recorded for an attempt whose host stopped renewing its lease. Not an exception type: nothing threw.</summary>
    internal const string AbandonedErrorType = "BackgroundTasks.JobAbandoned";

    // Which held jobs are recovered: an expired lease, or an earlier instance of the restarted host.
    private const string Gone = "owner IS NOT NULL AND (lease_until < @now OR (@host_prefix::text IS NOT NULL AND starts_with(owner, @host_prefix::text) AND owner <> @current_owner::text))";

    private const string Why = "CASE WHEN @host_prefix::text IS NOT NULL AND starts_with(owner, @host_prefix::text) "
        + "THEN 'its host ''' || owner || ''' stopped before the attempt finished' "
        + "ELSE 'the lease of host ''' || owner || ''' expired without a renewal (the host stopped or lost the database)' END";

    private const string Clear = "error_type = @error_type, error_stack = NULL, error_timed_out = false, owner = NULL, lease_until = NULL";

    private string _requeueSql = null!;
    private string _abandonSql = null!;
    private string _failLambdasSql = null!;
    private string _forgetHostsSql = null!;

    /// <summary>
    /// Recovers Running jobs whose lease expired before <paramref name="now"/>, and every job of an earlier instance of
    /// <paramref name="host"/> (owners "{host}/…" but <paramref name="currentOwner"/>). A typed job that has attempts left is
    /// queued again for its next attempt; one with no attempt left becomes Failed as abandoned; a lambda job cannot be re-run
    /// and becomes Failed with an error that says so. Each is one UPDATE whose WHERE is the compare-and-set: a job renewed
    /// or finished meanwhile is left alone. Other hosts are told (their claimers wake; a host that still runs a recovered
    /// job stops it).
    /// </summary>
    /// <returns>The ids of the jobs requeued, abandoned and failed.</returns>
    internal async Task<RecoveryResult> RecoverAsync(DateTimeOffset now, string? host, string? currentOwner, CancellationToken cancellationToken = default)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var requeued = new List<JobId>();
                var abandoned = new List<JobId>();
                var lambdas = new List<JobId>();
                var changed = new List<JobRecord>();
                var waiting = new List<string>();
                var queues = new HashSet<string>(StringComparer.Ordinal);
                var batch = new NpgsqlBatch(connection, transaction);
                await using (batch.ConfigureAwait(false))
                {
                    foreach (var sql in (string[])[_requeueSql, _abandonSql, _failLambdasSql])
                    {
                        var command = new NpgsqlBatchCommand(sql);
                        var p = command.Parameters;
                        p.AddWithValue("now", now.UtcTicks);
                        p.Add(new NpgsqlParameter("host_prefix", NpgsqlDbType.Text) { Value = host is null ? DBNull.Value : host + "/" });
                        p.Add(new NpgsqlParameter("current_owner", NpgsqlDbType.Text) { Value = (object?)currentOwner ?? DBNull.Value });
                        p.AddWithValue("error_type", AbandonedErrorType);
                        p.AddWithValue("retained", _clock.GetUtcNow().UtcTicks);
                        batch.BatchCommands.Add(command);
                    }

                    var forget = new NpgsqlBatchCommand(_forgetHostsSql);
                    forget.Parameters.AddWithValue("stale", (now - (LeaseDuration * 10)).UtcTicks);
                    batch.BatchCommands.Add(forget);

                    var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        foreach (var list in (List<JobId>[])[requeued, abandoned, lambdas])
                        {
                            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                            {
                                var record = JobRows.Read(reader);
                                changed.Add(record);
                                list.Add(record.Id);
                                if (ReferenceEquals(list, requeued))
                                {
                                    queues.Add(record.Queue);
                                }
                                else if (!reader.IsDBNull(JobRows.ColumnCount))
                                {
                                    waiting.AddRange(reader.GetFieldValue<string[]>(JobRows.ColumnCount));
                                }
                            }

                            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                        }
                    }
                }

                if (waiting.Count > 0)
                {
                    // The jobs failed here ended at @now: read back the continuations the trigger settled for them.
                    changed.AddRange(await ReadSettledAsync(connection, transaction, waiting, now, cancellationToken).ConfigureAwait(false));
                }

                var result = new RecoveryResult(requeued, abandoned, lambdas, changed);
                if (result.Count > 0)
                {
                    await NotifyRecoveredAsync(connection, transaction, result, queues, cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return result;
            }
        }
    }

    private async Task NotifyRecoveredAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, RecoveryResult result, HashSet<string> queues, CancellationToken cancellationToken)
    {
        var batch = new NpgsqlBatch(connection, transaction);
        await using (batch.ConfigureAwait(false))
        {
            foreach (var queue in queues)
            {
                batch.BatchCommands.Add(_notifier.Ready(queue));
            }

            foreach (var chunk in result.Requeued.Concat(result.Abandoned).Concat(result.LambdasFailed).Chunk(200))
            {
                batch.BatchCommands.Add(_notifier.Changed(chunk));
            }

            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<List<JobRecord>> ReadSettledAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<string> ids, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var batch = new NpgsqlBatch(connection, transaction);
        await using (batch.ConfigureAwait(false))
        {
            batch.BatchCommands.Add(SettledQuery([.. ids], at));
            var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                return ReadRecords(reader);
            }
        }
    }

    private void BuildRecoveryStatements()
    {
        _requeueSql = $"UPDATE {_jobs} SET status = 1, {Clear}, error_message = 'Attempt ' || attempt || ' of ' || max_attempts || ' was abandoned: ' || {Why} "
            + "|| '. The job is queued again for attempt ' || (attempt + 1) || '.' "
            + $"WHERE {Gone} AND status = 2 AND arguments IS NOT NULL AND attempt < max_attempts RETURNING {JobRows.Columns}";
        _abandonSql = $"UPDATE {_jobs} SET status = 5, finished_at = @now, scheduled_at = NULL, retained_since = @retained, {Clear}, "
            + "error_message = 'The job was abandoned after ' || attempt || ' of ' || max_attempts || ' attempts: ' || " + Why + " || ', and no attempt is left.' "
            + $"WHERE {Gone} AND status = 2 AND arguments IS NOT NULL AND attempt >= max_attempts RETURNING {JobRows.Columns}, {TransitionSql.WaitingIds(_jobs, _jobs + ".id")}";
        _failLambdasSql = $"UPDATE {_jobs} SET status = 5, finished_at = @now, scheduled_at = NULL, retained_since = @retained, {Clear}, "
            + "error_message = 'The job was abandoned: ' || " + Why + " || ' while it ' || CASE WHEN status = 2 THEN 'ran attempt ' || attempt ELSE 'waited' END "
            + "|| ', and a lambda job cannot be re-run by another host or after a restart (it has no serialized arguments). Enqueue a typed job to have it recovered.' "
            + $"WHERE {Gone} AND status < 4 AND arguments IS NULL RETURNING {JobRows.Columns}, {TransitionSql.WaitingIds(_jobs, _jobs + ".id")}";
        _forgetHostsSql = $"DELETE FROM {_hosts} WHERE heartbeat_at < @stale";
    }
}
