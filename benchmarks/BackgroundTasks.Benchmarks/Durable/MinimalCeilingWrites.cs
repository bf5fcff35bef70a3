using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace BackgroundTasks.Benchmarks.Durable;

/// <summary>
/// The reference row's writes: the smallest table a durable queue could have (id, name, JSON arguments, status, three
/// times) with one partial index of queued rows. An insert; a claim (one statement that moves the oldest queued row
/// to running and returns its id); a completion (running to succeeded, checked on status).
/// </summary>
public sealed class MinimalCeilingWrites : CeilingWrites<long>
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

    private readonly SqliteCommand _insert;
    private readonly SqliteCommand _claim;
    private readonly SqliteCommand _complete;

    /// <summary>Creates the table in <paramref name="file"/> and prepares the three statements.</summary>
    public MinimalCeilingWrites(string file)
        : base(file)
    {
        using (var create = Prepare(Schema))
        {
            create.ExecuteNonQuery();
        }

        _insert = PrepareInteger("INSERT INTO jobs (name, arguments, status, enqueued_at) VALUES ('noop', '{\"body\":\"NoOp\"}', 0, $now)", "$now");
        _claim = PrepareInteger("UPDATE jobs SET status = 1, started_at = $now WHERE id = (SELECT id FROM jobs WHERE status = 0 ORDER BY id LIMIT 1) RETURNING id", "$now");
        _complete = PrepareInteger("UPDATE jobs SET status = 2, finished_at = $now WHERE id = $id AND status = 1", "$now", "$id");
    }

    /// <inheritdoc/>
    public override void Insert()
    {
        _insert.Parameters[0].Value = Stopwatch.GetTimestamp();
        _insert.ExecuteNonQuery();
    }

    /// <inheritdoc/>
    public override long Claim()
    {
        _claim.Parameters[0].Value = Stopwatch.GetTimestamp();
        return (long)_claim.ExecuteScalar()!;
    }

    /// <summary>Not measured: the reference row claims one job at a time.</summary>
    public override List<long> ClaimMany(int count) => throw new NotSupportedException("The reference row claims one job per claim.");

    /// <inheritdoc/>
    public override void Complete(long claimed)
    {
        _complete.Parameters[0].Value = Stopwatch.GetTimestamp();
        _complete.Parameters[1].Value = claimed;
        if (_complete.ExecuteNonQuery() != 1)
        {
            throw new InvalidOperationException($"Job {claimed} was not running when the loop completed it.");
        }
    }

    private SqliteCommand PrepareInteger(string sql, params string[] parameters)
    {
        var command = Prepare(sql);
        foreach (var name in parameters)
        {
            command.Parameters.Add(name, SqliteType.Integer);
        }

        command.Prepare();
        return command;
    }
}
