using System.Globalization;

namespace BackgroundTasks.Sqlite;

/// <summary>Recovery of running jobs whose host is gone: by an expired lease, or by the owner a restarted host says it was.</summary>
public sealed partial class SqliteJobStore
{
    private const string RecoverCandidatesSql = "SELECT id, owner, attempt, max_attempts, lease_until, arguments IS NOT NULL, status FROM bt_jobs INDEXED BY bt_jobs_owned "
        + "WHERE owner IS NOT NULL AND (lease_until < $now OR owner = $dead_owner OR (substr(owner, 1, length($host_prefix)) = $host_prefix AND owner <> $current_owner))";

    private const string StillHeld = "WHERE id = $id AND status = $status AND owner = $owner AND attempt = $attempt";

    private const string RequeueSql = "UPDATE bt_jobs SET status = 1, owner = NULL, lease_until = NULL, error_type = $error_type, error_message = $error_message, "
        + "error_stack = NULL, error_timed_out = 0 " + StillHeld + " RETURNING " + JobRows.Columns;

    private const string AbandonSql = "UPDATE bt_jobs SET status = 5, finished_at = $now, error_type = $error_type, error_message = $error_message, "
        + "error_stack = NULL, error_timed_out = 0, owner = NULL, lease_until = NULL, scheduled_at = NULL, retained_since = $retained " + StillHeld + " RETURNING " + JobRows.Columns;

    /// <summary>
    /// Recovers Running jobs whose lease expired before <paramref name="now"/>, and every Running job of
    /// <paramref name="deadOwner"/> (a host's own earlier instance, at start-up, without waiting for its leases).
    /// A typed job (with arguments) that has attempts left is queued again for its next attempt; one with no
    /// attempt left becomes Failed as abandoned; a lambda job (no arguments) cannot be re-run and becomes Failed
    /// with an error that says so. Each change is a compare-and-set on status, owner and attempt.
    /// </summary>
    /// <returns>The ids of the jobs requeued, abandoned and failed.</returns>
    internal Task<RecoveryResult> RecoverAsync(DateTimeOffset now, string? deadOwner = null, CancellationToken cancellationToken = default)
        => _writer.WriteAsync(writer => Recover(writer, now, deadOwner, host: null, currentOwner: null), cancellationToken);

    /// <summary>The same, for the engine: <paramref name="host"/>'s earlier instances (owners "{host}/…" but <paramref name="currentOwner"/>) are recovered at once.</summary>
    internal Task<RecoveryResult> RecoverHostAsync(DateTimeOffset now, string? host, string? currentOwner, CancellationToken cancellationToken = default)
        => _writer.WriteAsync(writer => Recover(writer, now, deadOwner: null, host, currentOwner), cancellationToken);

    private RecoveryResult Recover(GroupCommitWriter writer, DateTimeOffset now, string? deadOwner, string? host, string? currentOwner)
    {
        var find = writer.Command(RecoverCandidatesSql);
        find.Parameters.AddWithValue("$now", now.UtcTicks);
        find.Parameters.AddWithValue("$dead_owner", JobRows.Db(deadOwner));
        find.Parameters.AddWithValue("$host_prefix", host is null ? DBNull.Value : host + "/");
        find.Parameters.AddWithValue("$current_owner", JobRows.Db(currentOwner));
        var candidates = new List<(string Id, string Owner, int Attempt, int MaxAttempts, DateTimeOffset? LeaseUntil, bool Typed, int Status)>();
        using (var reader = find.ExecuteReader())
        {
            while (reader.Read())
            {
                candidates.Add((reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3), reader.IsDBNull(4) ? null : JobRows.Time(reader.GetInt64(4)), reader.GetBoolean(5), reader.GetInt32(6)));
            }
        }

        var requeued = new List<JobId>();
        var abandoned = new List<JobId>();
        var lambdas = new List<JobId>();
        var changed = new List<JobRecord>();
        var settled = new List<JobRecord>();
        foreach (var job in candidates)
        {
            var why = job.Owner == deadOwner || (host is not null && job.Owner.StartsWith(host + "/", StringComparison.Ordinal))
                ? $"its host '{job.Owner}' stopped before the attempt finished"
                : $"the lease of host '{job.Owner}' expired at {job.LeaseUntil?.ToString("O", CultureInfo.InvariantCulture)} without a renewal (the host stopped or lost the database)";
            if (job.Typed && job.Status != (int)JobStatus.Running)
            {
                // A typed job is held only while it runs; any other owned row is a lambda's.
                continue;
            }

            var (sql, message, list) = (job.Typed, job.Attempt < job.MaxAttempts) switch
            {
                (true, true) => (RequeueSql, $"Attempt {job.Attempt} of {job.MaxAttempts} was abandoned: {why}. The job is queued again for attempt {job.Attempt + 1}.", requeued),
                (true, false) => (AbandonSql, $"The job was abandoned after {job.Attempt} of {job.MaxAttempts} attempts: {why}, and no attempt is left.", abandoned),
                _ => (AbandonSql, $"The job was abandoned: {why} while it {(job.Status == (int)JobStatus.Running ? $"ran attempt {job.Attempt}" : "waited")}, and a lambda job cannot be re-run by another host or after a restart (it has no serialized arguments). Enqueue a typed job to have it recovered.", lambdas),
            };
            var command = writer.Command(sql);
            var p = command.Parameters;
            p.AddWithValue("$id", job.Id);
            p.AddWithValue("$owner", job.Owner);
            p.AddWithValue("$attempt", job.Attempt);
            p.AddWithValue("$status", job.Status);
            p.AddWithValue("$error_type", AbandonedErrorType);
            p.AddWithValue("$error_message", message);
            p.AddWithValue("$now", now.UtcTicks);
            p.AddWithValue("$retained", _clock.GetUtcNow().UtcTicks);
            using (var reader = command.ExecuteReader())
            {
                if (!reader.Read())
                {
                    continue;
                }

                changed.Add(JobRows.Read(reader));
            }

            list.Add(JobId.Parse(job.Id));
            if (sql == AbandonSql && SettleContinuations(writer, job.Id, JobStatus.Failed, now) is { } ended)
            {
                settled.AddRange(ended);
            }
        }

        changed.AddRange(settled);
        return new RecoveryResult(requeued, abandoned, lambdas, changed);
    }
}
