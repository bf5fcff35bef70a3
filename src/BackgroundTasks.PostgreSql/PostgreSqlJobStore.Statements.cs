namespace BackgroundTasks.PostgreSql;

/// <summary>The statements, with the store's schema filled in once, when it opens.</summary>
public sealed partial class PostgreSqlJobStore
{
    // The statements of the writer and the claim loops, sent with positional parameters.
    private PositionalStatement _insert = null!;
    private PositionalStatement _progress = null!;
    private PositionalStatement _claim = null!;
    private PositionalStatement _nextDue = null!;
    private PositionalStatement _renew = null!;
    private PositionalStatement _heartbeat = null!;
    private string _getSql = null!;
    private string _countSql = null!;
    private string _deleteSql = null!;

    /// <summary>Gets the claim statement (for tests that look at its plan).</summary>
    internal string ClaimSql => _claim.Named;

    /// <summary>Gets the statement that reads a queue's next due time (for tests that look at its plan).</summary>
    internal string NextDueSql => _nextDue.Named;

    private void BuildStatements()
    {
        _insert = new(JobRows.InsertSql(_jobs));
        _progress = new($"UPDATE {_jobs} SET progress_percent = @progress_percent, progress_message = @progress_message, "
            + "progress_done = @progress_done, progress_total = @progress_total WHERE id = @id AND status < 4 RETURNING 1");

        // ONE statement: the CTE picks the queue's due jobs that no other owner holds, in claim order, and locks them,
        // skipping rows another claimer holds locked; the UPDATE makes them Running for the owner. The CTE is the fence
        // that keeps the planner from updating more rows than the limit. Only the partial index jobs_live is read.
        _claim = new($"WITH picked AS (SELECT id FROM {_jobs} WHERE queue = @queue AND status IN (0, 1, 3) AND (status = 1 OR due_at <= @now) "
            + "AND (owner IS NULL OR owner = @owner) ORDER BY priority DESC, due_at, id LIMIT @max FOR UPDATE SKIP LOCKED) "
            + $"UPDATE {_jobs} AS j SET status = 2, attempt = j.attempt + 1, owner = @owner, lease_until = @lease_until, started_at = @now, scheduled_at = NULL "
            + $"FROM picked WHERE j.id = picked.id RETURNING {Prefixed("j.")}, j.due_at");

        // When the queue's next job that is not due yet falls due: per priority, the first row of jobs_live after @now (a
        // few index probes, however long the queue), skipping continuations that wait for their parent (due at @never).
        _nextDue = new($"SELECT min(n.due_at) FROM unnest(ARRAY[{(int)JobPriority.High}, {(int)JobPriority.Normal}, {(int)JobPriority.Low}]) AS p(priority) "
            + $"CROSS JOIN LATERAL (SELECT due_at FROM {_jobs} WHERE queue = @queue AND priority = p.priority AND status IN (0, 1, 3) "
            + "AND due_at > @now AND due_at < @never AND (owner IS NULL OR owner = @owner) ORDER BY due_at LIMIT 1) AS n");
        _renew = new($"UPDATE {_jobs} SET lease_until = @until WHERE owner = @owner RETURNING id");

        // The heartbeat forgets hosts silent for ten leases, and reads the earliest lease (after this host's renewal, which
        // runs before it in the batch): until then no lease can expire, and recovery needs no query.
        _heartbeat = new($"WITH forgotten AS (DELETE FROM {_hosts} WHERE heartbeat_at < @stale AND owner <> @owner) "
            + $"INSERT INTO {_hosts} (owner, host, started_at, heartbeat_at) VALUES (@owner, @host, @now, @now) "
            + $"ON CONFLICT (owner) DO UPDATE SET heartbeat_at = EXCLUDED.heartbeat_at RETURNING (SELECT min(lease_until) FROM {_jobs} WHERE owner IS NOT NULL)");
        _getSql = $"SELECT {JobRows.Columns} FROM {_jobs} WHERE id = @id";
        _countSql = $"SELECT queue, status, count(*) FROM {_jobs} GROUP BY queue, status";
        _deleteSql = $"DELETE FROM {_jobs} WHERE id = @id AND status >= 4 RETURNING 1";
        BuildRecoveryStatements();
        BuildRetentionStatements();
    }

    private static string Prefixed(string prefix) => string.Join(", ", JobRows.Columns.Split(", ").Select(column => prefix + column));
}
