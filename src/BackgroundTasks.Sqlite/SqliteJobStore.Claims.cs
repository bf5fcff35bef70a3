using System.Globalization;
using Microsoft.Data.Sqlite;

namespace BackgroundTasks.Sqlite;

/// <summary>
/// The durable-queue operations the engine feeds its workers from: claims with a lease, lease renewal,
/// owner-checked outcomes and recovery of jobs whose host is gone. Every one is a write through the one
/// writer, inside a <c>BEGIN IMMEDIATE</c> transaction, so no two claimers (in this process or another)
/// can take the same job.
/// </summary>
public sealed partial class SqliteJobStore
{
    /// <summary>How many due Scheduled or Retrying jobs one claim moves to Queued at most, so that a large backlog coming due never holds the writer for long.</summary>
    internal const int PromoteBatch = 1000;

    /// <summary>The promotion of one claim of up to <see cref="PromoteBatch"/> jobs (the usual case).</summary>
    private static readonly string s_promoteSql = PromoteSqlFor(PromoteBatch);

    /// <summary>Claim statements for up to this many jobs are made once and kept (a claim asks for at most the free workers of a queue).</summary>
    private const int CachedClaimLimits = 256;

    private static readonly string?[] s_claimSql = new string?[CachedClaimLimits + 1];

    /// <summary>
    /// Moves the queue's due Scheduled and Retrying jobs to Queued (the allowed Scheduled → Queued and Retrying → Queued steps), earliest due first, at most
    /// <paramref name="limit"/> of them.
    /// </summary>
    /// <remarks>
    /// The limit is written into the text, never bound: SQLite re-prepares a statement whose <c>LIMIT</c> is a bound parameter every time the
    /// parameter is bound again (it plans with the bound value), which made every claim parse and plan its two statements anew.
    /// </remarks>
    internal static string PromoteSqlFor(int limit) => "UPDATE bt_jobs SET status = 1, scheduled_at = NULL WHERE rowid IN "
        + "(SELECT rowid FROM bt_jobs INDEXED BY bt_jobs_waiting WHERE queue = $queue AND status IN (0, 3) AND due_at <= $now ORDER BY due_at LIMIT "
        + limit.ToString(CultureInfo.InvariantCulture) + ")";

    /// <summary>
    /// The claim of up to <paramref name="max"/> jobs: ONE statement that picks the queue's Queued jobs by priority, due time and id from the live
    /// index and makes them Running for the owner. The limit is in the text, as in <see cref="PromoteSqlFor"/>.
    /// </summary>
    internal static string ClaimSqlFor(int max)
    {
        if (max <= CachedClaimLimits && Volatile.Read(ref s_claimSql[max]) is { } cached)
        {
            return cached;
        }

        var sql = "UPDATE bt_jobs SET status = 2, attempt = attempt + 1, owner = $owner, lease_until = $lease_until, started_at = $now, scheduled_at = NULL "
            + "WHERE rowid IN (SELECT rowid FROM bt_jobs INDEXED BY bt_jobs_ready WHERE queue = $queue AND status = 1 AND (owner IS NULL OR owner = $owner) "
            + "ORDER BY priority DESC, due_at, id LIMIT " + max.ToString(CultureInfo.InvariantCulture) + ") "
            + $"RETURNING {JobRows.Columns}, due_at";
        if (max <= CachedClaimLimits)
        {
            Volatile.Write(ref s_claimSql[max], sql);
        }

        return sql;
    }

    /// <summary>Binds the parameters of a claim's two statements, <see cref="PromoteSqlFor"/>'s and <see cref="ClaimSqlFor"/>'s.</summary>
    internal static void AddClaimParameters(SqliteParameterCollection promote, SqliteParameterCollection claim, string queue, string owner, DateTimeOffset now, TimeSpan lease)
    {
        promote.AddWithValue("$queue", queue);
        promote.AddWithValue("$now", now.UtcTicks);
        claim.AddWithValue("$queue", queue);
        claim.AddWithValue("$owner", owner);
        claim.AddWithValue("$lease_until", (now + lease).UtcTicks);
        claim.AddWithValue("$now", now.UtcTicks);
    }

    internal const string RenewSql = "UPDATE bt_jobs INDEXED BY bt_jobs_owned SET lease_until = $until WHERE owner = $owner RETURNING id";

    /// <summary>The error type recorded for an attempt whose host stopped renewing its lease. Not an exception type: nothing threw.</summary>
    internal const string AbandonedErrorType = "BackgroundTasks.JobAbandoned";

    /// <summary>
    /// Claims up to <paramref name="max"/> due jobs of a queue for <paramref name="owner"/>: due Scheduled and
    /// Retrying jobs become Queued, then the Queued ones with the highest priority, earliest due time and
    /// smallest id become Running with the owner, a lease until <paramref name="now"/> + <paramref name="lease"/>,
    /// the next attempt and <see cref="JobRecord.StartedAt"/> = <paramref name="now"/>.
    /// </summary>
    /// <returns>The claimed records (arguments included), in claim order; empty when nothing is due.</returns>
    /// <remarks>
    /// The caller's continuation runs on the writer's thread (an inline write): the engine's claim loop only puts the jobs
    /// in their lanes there, and leaves that thread before it ends (JobClaimer.RunAsync).
    /// </remarks>
    internal Task<IReadOnlyList<JobRecord>> ClaimAsync(string queue, string owner, int max, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        return _writer.WriteAsync<IReadOnlyList<JobRecord>>(
            writer =>
            {
                var promote = writer.Command(max <= PromoteBatch ? s_promoteSql : PromoteSqlFor(max));
                var claim = writer.Command(ClaimSqlFor(max));
                AddClaimParameters(promote.Parameters, claim.Parameters, queue, owner, now, lease);
                promote.ExecuteNonQuery();
                var claimed = new List<(JobRecord Record, long Due)>();
                using (var reader = claim.ExecuteReader())
                {
                    while (reader.Read())
                    {
                        claimed.Add((JobRows.Read(reader), reader.GetInt64(JobRows.ColumnCount)));
                    }
                }

                // RETURNING has no order of its own: hand the jobs out in the order they were picked.
                claimed.Sort(static (a, b) => (b.Record.Priority, a.Due, a.Record.Id).CompareTo((a.Record.Priority, b.Due, b.Record.Id)));
                return claimed.ConvertAll(static c => c.Record);
            },
            cancellationToken,
            inline: true);
    }

    /// <summary>Extends the lease of every job <paramref name="owner"/> runs to <paramref name="until"/>, in one statement.</summary>
    /// <returns>The ids of the jobs whose lease was renewed; a running job missing here was recovered by another host and should stop.</returns>
    internal Task<IReadOnlyList<JobId>> RenewLeasesAsync(string owner, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        return _writer.WriteAsync<IReadOnlyList<JobId>>(
            writer =>
            {
                var command = writer.Command(RenewSql);
                command.Parameters.AddWithValue("$owner", owner);
                command.Parameters.AddWithValue("$until", until.UtcTicks);
                var renewed = new List<JobId>();
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    renewed.Add(JobId.Parse(reader.GetString(0)));
                }

                return renewed;
            },
            cancellationToken);
    }

    /// <summary>
    /// Records the outcome of a claimed attempt (Retrying, Succeeded, Failed or Cancelled), only while the job
    /// is still Running for <paramref name="owner"/> at <see cref="JobTransition.Attempt"/>: a host that lost its
    /// lease can never overwrite a recovery or a newer attempt.
    /// </summary>
    /// <returns><see langword="true"/> when recorded; <see langword="false"/> when the job is unknown, not Running, or held by another owner or attempt.</returns>
    /// <exception cref="ArgumentException">The transition is to Scheduled, Queued or Running, which are not outcomes.</exception>
    internal Task<bool> TransitionAsync(JobId id, JobTransition transition, string owner, CancellationToken cancellationToken = default)
    {
        ThrowIfNotOutcome(owner, transition);
        return TransitionCoreAsync(id, transition, owner, cancellationToken);
    }

    private static void ThrowIfNotOutcome(string owner, JobTransition transition)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        if (transition.Status is not (JobStatus.Retrying or JobStatus.Succeeded or JobStatus.Failed or JobStatus.Cancelled))
        {
            throw new ArgumentException($"An owner-checked transition records an attempt's outcome (Retrying, Succeeded, Failed or Cancelled), not {transition.Status}.", nameof(transition));
        }
    }
}
