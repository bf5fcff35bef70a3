using System.Globalization;
using Microsoft.Data.Sqlite;

namespace BackgroundTasks.Sqlite;

/// <summary>
/// The store's tables and their versions. Each version is one script, applied once, in order, in one
/// transaction with the row that records it in <c>bt_schema</c>; a file at a newer version than this
/// package knows is refused.
/// </summary>
/// <remarks>
/// One table holds every job. The claim path never touches finished rows: each live state has its own
/// partial index (<c>bt_jobs_ready</c> for Queued, <c>bt_jobs_waiting</c> for Scheduled and Retrying,
/// <c>bt_jobs_owned</c> for jobs a host holds), so a million finished rows cost the claim nothing. Finished rows
/// have their own partial index, by the time the store began keeping them, for retention. A unique key is held by
/// at most one row that is not terminal (<c>bt_jobs_unique_live</c>, a unique partial index). A waiting continuation is
/// found by the job it continues (<c>bt_jobs_continuations</c>, over the Scheduled rows that continue a job). Times are UTC
/// ticks; ids are their 32-digit text, which sorts like <see cref="JobId"/>.
/// </remarks>
internal static class SqliteSchema
{
    public const string VersionTable = "bt_schema";

    private static readonly string[] s_migrations =
    [
        // Version 1.
        """
        CREATE TABLE bt_jobs (
            id TEXT NOT NULL PRIMARY KEY,
            name TEXT,
            queue TEXT NOT NULL,
            priority INTEGER NOT NULL,
            status INTEGER NOT NULL,
            attempt INTEGER NOT NULL,
            max_attempts INTEGER NOT NULL,
            enqueued_at INTEGER NOT NULL,
            scheduled_at INTEGER,
            due_at INTEGER NOT NULL,
            started_at INTEGER,
            finished_at INTEGER,
            progress_percent REAL NOT NULL,
            progress_message TEXT,
            progress_done INTEGER,
            progress_total INTEGER,
            error_type TEXT,
            error_message TEXT,
            error_stack TEXT,
            error_timed_out INTEGER,
            result_kind TEXT,
            result TEXT,
            parent_id TEXT,
            arguments TEXT,
            cancel_reason INTEGER NOT NULL,
            owner TEXT,
            lease_until INTEGER,
            retained_since INTEGER
        );
        CREATE INDEX bt_jobs_ready ON bt_jobs (queue, priority DESC, due_at, id) WHERE status = 1;
        CREATE INDEX bt_jobs_waiting ON bt_jobs (queue, due_at) WHERE status IN (0, 3);
        CREATE INDEX bt_jobs_owned ON bt_jobs (owner, lease_until) WHERE owner IS NOT NULL;
        CREATE INDEX bt_jobs_finished ON bt_jobs (retained_since) WHERE status >= 4;
        CREATE INDEX bt_jobs_status ON bt_jobs (status, id);
        CREATE INDEX bt_jobs_parent ON bt_jobs (parent_id, id) WHERE parent_id IS NOT NULL;
        """,

        // Version 2: the enqueuing code's W3C trace context (JobRecord.TraceParent, TraceState); NULL for older rows.
        """
        ALTER TABLE bt_jobs ADD COLUMN trace_parent TEXT;
        ALTER TABLE bt_jobs ADD COLUMN trace_state TEXT;
        """,

        // Version 3: unique keys (JobRecord.UniqueKey); NULL for older rows. The unique index over the rows that are not
        // terminal lets one job at a time hold a key, whichever process adds it; the other finds the holder of a window.
        """
        ALTER TABLE bt_jobs ADD COLUMN unique_key TEXT;
        CREATE UNIQUE INDEX bt_jobs_unique_live ON bt_jobs (unique_key) WHERE unique_key IS NOT NULL AND status < 4;
        CREATE INDEX bt_jobs_unique_finished ON bt_jobs (unique_key, finished_at) WHERE unique_key IS NOT NULL AND status >= 4;
        """,

        // Version 4: continuations (JobRecord.ContinueAfter, ContinueWhen); NULL and 0 for older rows. The partial index holds
        // only the continuations still waiting (Scheduled), so the end of every job looks for its continuations in an empty index.
        """
        ALTER TABLE bt_jobs ADD COLUMN continue_after TEXT;
        ALTER TABLE bt_jobs ADD COLUMN continue_when INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX bt_jobs_continuations ON bt_jobs (continue_after) WHERE continue_after IS NOT NULL AND status = 0;
        """,

        // Version 5: the attempt timeout and back-off a job was enqueued with (JobRecord.Timeout, Backoff), so that the host
        // that claims it applies them; NULL for older rows, which take the claiming host's queue defaults.
        """
        ALTER TABLE bt_jobs ADD COLUMN timeout_ticks INTEGER;
        ALTER TABLE bt_jobs ADD COLUMN backoff_initial_ticks INTEGER;
        ALTER TABLE bt_jobs ADD COLUMN backoff_max_ticks INTEGER;
        ALTER TABLE bt_jobs ADD COLUMN backoff_multiplier REAL;
        ALTER TABLE bt_jobs ADD COLUMN backoff_jitter REAL;
        """,
    ];

    /// <summary>Gets the newest schema version this package knows.</summary>
    public static int CurrentVersion => s_migrations.Length;

    /// <summary>Creates the tables or brings them up to <see cref="CurrentVersion"/>, under the write lock, so that two processes starting together migrate once.</summary>
    /// <returns>The version the file had before.</returns>
    /// <exception cref="InvalidOperationException">The file's schema is newer than this package.</exception>
    public static int Migrate(SqliteConnection connection, string path, DateTimeOffset now)
    {
        Execute(connection, "BEGIN IMMEDIATE");
        try
        {
            Execute(connection, $"CREATE TABLE IF NOT EXISTS {VersionTable} (version INTEGER NOT NULL PRIMARY KEY, applied_at TEXT NOT NULL)");
            using var read = connection.CreateCommand();
            read.CommandText = $"SELECT coalesce(max(version), 0) FROM {VersionTable}";
            var found = Convert.ToInt32(read.ExecuteScalar(), CultureInfo.InvariantCulture);
            if (found > CurrentVersion)
            {
                throw SqliteStoreErrors.NewerSchema(path, found, CurrentVersion);
            }

            for (var version = found + 1; version <= CurrentVersion; version++)
            {
                Execute(connection, s_migrations[version - 1]);
                using var record = connection.CreateCommand();
                record.CommandText = $"INSERT INTO {VersionTable} (version, applied_at) VALUES ($version, $at)";
                record.Parameters.AddWithValue("$version", version);
                record.Parameters.AddWithValue("$at", now.ToString("O", CultureInfo.InvariantCulture));
                record.ExecuteNonQuery();
            }

            Execute(connection, "COMMIT");
            return found;
        }
        catch
        {
            TryRollback(connection);
            throw;
        }
    }

    /// <summary>Checks that the writer may write, and sets its connection-level settings: WAL, the sync level and the busy timeout.</summary>
    /// <exception cref="InvalidOperationException">The file was opened read-only (Mode=ReadOnly, or SQLite fell back to reading a file it may not write).</exception>
    public static void ConfigureWriter(SqliteConnection connection, string path, SqliteSynchronousMode synchronous, TimeSpan busyTimeout)
    {
        if (SQLitePCL.raw.sqlite3_db_readonly(connection.Handle, "main") == 1)
        {
            throw SqliteStoreErrors.ReadOnlyFile(path, null);
        }

        SetBusyTimeout(connection, busyTimeout);
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL";
        var mode = command.ExecuteScalar() as string;
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw SqliteStoreErrors.NoWal(path, mode);
        }

        Execute(connection, synchronous == SqliteSynchronousMode.Full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
    }

    /// <summary>Sets the settings of a reader: the busy timeout, and no writes.</summary>
    public static void ConfigureReader(SqliteConnection connection, TimeSpan busyTimeout)
    {
        SetBusyTimeout(connection, busyTimeout);
        Execute(connection, "PRAGMA query_only = 1");
    }

    private static void SetBusyTimeout(SqliteConnection connection, TimeSpan busyTimeout)
        => Execute(connection, string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {(long)busyTimeout.TotalMilliseconds}"));

    private static void TryRollback(SqliteConnection connection)
    {
        try
        {
            Execute(connection, "ROLLBACK");
        }
        catch (SqliteException)
        {
            // SQLite already rolled back (after an I/O or corruption error); the first error is the one to report.
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
