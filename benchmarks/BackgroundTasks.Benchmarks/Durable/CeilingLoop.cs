using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace BackgroundTasks.Benchmarks.Durable;

/// <summary>
/// The ceiling: what one thread on Microsoft.Data.Sqlite does with the three writes a durable job needs and nothing
/// else (no workers, no serialization, no wake-ups). Per job: an insert (name, JSON arguments, times), a claim (one
/// statement that moves the oldest queued row to running, through a partial index of queued rows, and returns its
/// id), and a completion (running to succeeded, checked on status). WAL and <c>synchronous = NORMAL</c>, as for the
/// contenders.
/// </summary>
public static class CeilingLoop
{
    private const string Schema = """
        CREATE TABLE jobs (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            arguments TEXT,
            status INTEGER NOT NULL,
            enqueued_at INTEGER NOT NULL,
            started_at INTEGER,
            finished_at INTEGER);
        CREATE INDEX jobs_queued ON jobs (id) WHERE status = 0;
        """;

    private const string InsertSql = "INSERT INTO jobs (name, arguments, status, enqueued_at) VALUES ('noop', '{\"body\":\"NoOp\"}', 0, $now)";
    private const string ClaimSql = "UPDATE jobs SET status = 1, started_at = $now WHERE id = (SELECT id FROM jobs WHERE status = 0 ORDER BY id LIMIT 1) RETURNING id";
    private const string CompleteSql = "UPDATE jobs SET status = 2, finished_at = $now WHERE id = $id AND status = 1";

    /// <summary>Gets how many writes one transaction holds in the batched loop.</summary>
    public const int Batch = 1_000;

    /// <summary>
    /// Runs <paramref name="jobs"/> jobs through the three writes on a fresh <paramref name="file"/>: with
    /// <paramref name="batched"/>, each group of <see cref="Batch"/> jobs is inserted in one transaction, claimed in
    /// the next and completed in the one after; otherwise every write commits on its own.
    /// </summary>
    /// <returns>The time the loop took.</returns>
    public static TimeSpan Run(string file, int jobs, bool batched)
    {
        SqliteFiles.CreateInWalMode(file);
        using var connection = new NormalSyncSqliteConnection { ConnectionString = SqliteFiles.ConnectionString(file) };
        connection.Open();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = Schema;
            create.ExecuteNonQuery();
        }

        using var insert = Prepare(connection, InsertSql, "$now");
        using var claim = Prepare(connection, ClaimSql, "$now");
        using var complete = Prepare(connection, CompleteSql, "$now", "$id");
        var started = Stopwatch.GetTimestamp();
        if (batched)
        {
            for (var done = 0; done < jobs; done += Batch)
            {
                var count = Math.Min(Batch, jobs - done);
                var ids = new long[count];
                InTransaction(connection, [insert], () => Repeat(count, _ => Write(insert)));
                InTransaction(connection, [claim], () => Repeat(count, i => ids[i] = Claim(claim)));
                InTransaction(connection, [complete], () => Repeat(count, i => Complete(complete, ids[i])));
            }
        }
        else
        {
            for (var i = 0; i < jobs; i++)
            {
                Write(insert);
                Complete(complete, Claim(claim));
            }
        }

        return Stopwatch.GetElapsedTime(started);
    }

    private static SqliteCommand Prepare(SqliteConnection connection, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(name, SqliteType.Integer);
        }

        command.Prepare();
        return command;
    }

    private static void InTransaction(SqliteConnection connection, SqliteCommand[] commands, Action body)
    {
        using var transaction = connection.BeginTransaction();
        foreach (var command in commands)
        {
            command.Transaction = transaction;
        }

        body();
        transaction.Commit();
        foreach (var command in commands)
        {
            command.Transaction = null;
        }
    }

    private static void Repeat(int count, Action<int> body)
    {
        for (var i = 0; i < count; i++)
        {
            body(i);
        }
    }

    private static void Write(SqliteCommand insert)
    {
        insert.Parameters[0].Value = Stopwatch.GetTimestamp();
        insert.ExecuteNonQuery();
    }

    private static long Claim(SqliteCommand claim)
    {
        claim.Parameters[0].Value = Stopwatch.GetTimestamp();
        return (long)claim.ExecuteScalar()!;
    }

    private static void Complete(SqliteCommand complete, long id)
    {
        complete.Parameters[0].Value = Stopwatch.GetTimestamp();
        complete.Parameters[1].Value = id;
        if (complete.ExecuteNonQuery() != 1)
        {
            throw new InvalidOperationException($"Job {id} was not running when the loop completed it.");
        }
    }
}
