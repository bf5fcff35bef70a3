using Npgsql;

namespace BackgroundTasks.PostgreSql;

/// <summary>
/// The store's tables in its own schema, and their versions. Each version is one script, applied once, in order,
/// in one transaction with the row that records it in <c>schema_version</c>, under an advisory lock so that hosts
/// starting together migrate once; a schema at a newer version than this package knows is refused.
/// </summary>
/// <remarks>
/// One table holds every job. The claim path never touches finished rows: <c>jobs_live</c> is a partial index over the
/// live statuses (Scheduled, Queued, Retrying) in claim order, so a million finished rows cost the claim nothing.
/// Finished rows have their own partial index, by when the store began keeping them, for retention in batches.
/// Times are UTC ticks; ids are their 32-digit text in the "C" collation, which sorts like <see cref="JobId"/>.
/// </remarks>
internal static partial class PostgreSqlSchema
{
    private static readonly string[] s_migrations =
    [
        // Version 1.
        """
        CREATE TABLE {0}.jobs (
            id text COLLATE "C" NOT NULL PRIMARY KEY,
            name text,
            queue text NOT NULL,
            priority integer NOT NULL,
            status smallint NOT NULL,
            attempt integer NOT NULL,
            max_attempts integer NOT NULL,
            enqueued_at bigint NOT NULL,
            scheduled_at bigint,
            due_at bigint NOT NULL,
            started_at bigint,
            finished_at bigint,
            progress_percent double precision NOT NULL,
            progress_message text,
            progress_done bigint,
            progress_total bigint,
            error_type text,
            error_message text,
            error_stack text,
            error_timed_out boolean,
            result_kind text,
            result text,
            parent_id text COLLATE "C",
            arguments text,
            cancel_reason integer NOT NULL,
            trace_parent text,
            trace_state text,
            owner text,
            lease_until bigint,
            retained_since bigint
        );
        CREATE INDEX jobs_live ON {0}.jobs (queue, priority DESC, due_at, id) WHERE status IN (0, 1, 3);
        CREATE INDEX jobs_owned ON {0}.jobs (owner) WHERE owner IS NOT NULL;
        CREATE INDEX jobs_lease ON {0}.jobs (lease_until) WHERE owner IS NOT NULL;
        CREATE INDEX jobs_finished ON {0}.jobs (retained_since) WHERE status >= 4;
        CREATE INDEX jobs_status ON {0}.jobs (status, id);
        CREATE INDEX jobs_parent ON {0}.jobs (parent_id, id) WHERE parent_id IS NOT NULL;
        CREATE TABLE {0}.hosts (
            owner text NOT NULL PRIMARY KEY,
            host text NOT NULL,
            started_at bigint NOT NULL,
            heartbeat_at bigint NOT NULL
        );
        """,
        UniqueKeysMigration,
        ContinuationsMigration,
        AttemptSettingsMigration,
    ];

    /// <summary>Gets the newest schema version this package knows.</summary>
    public static int CurrentVersion => s_migrations.Length;

    /// <summary>Creates the schema and tables, or brings them up to <see cref="CurrentVersion"/>.</summary>
    /// <returns>The version the schema had before (0 when new).</returns>
    /// <exception cref="InvalidOperationException">The schema is newer than this package.</exception>
    public static int Migrate(NpgsqlConnection connection, string schema, DateTimeOffset now)
    {
        var quoted = Quote(schema);
        using var transaction = connection.BeginTransaction();
        Execute(connection, transaction, $"SELECT pg_advisory_xact_lock(hashtext('backgroundtasks.migrate.' || {Literal(schema)}))");
        Execute(connection, transaction, $"CREATE SCHEMA IF NOT EXISTS {quoted}");
        Execute(connection, transaction, $"CREATE TABLE IF NOT EXISTS {quoted}.schema_version (version integer NOT NULL PRIMARY KEY, applied_at timestamptz NOT NULL)");
        using var read = new NpgsqlCommand($"SELECT coalesce(max(version), 0) FROM {quoted}.schema_version", connection, transaction);
        var found = Convert.ToInt32(read.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        if (found > CurrentVersion)
        {
            throw new InvalidOperationException(
                $"The job schema \"{schema}\" has version {found}, but this version of BackgroundTasks.PostgreSql knows versions up to {CurrentVersion}: "
                + "it was migrated by a newer version of the package. Upgrade the BackgroundTasks.PostgreSql package on this host, or choose another schema (PostgreSqlJobStoreOptions.Schema).");
        }

        for (var version = found + 1; version <= CurrentVersion; version++)
        {
            Execute(connection, transaction, string.Format(System.Globalization.CultureInfo.InvariantCulture, s_migrations[version - 1], quoted));
            using var record = new NpgsqlCommand($"INSERT INTO {quoted}.schema_version (version, applied_at) VALUES (@version, @at)", connection, transaction);
            record.Parameters.AddWithValue("version", version);
            record.Parameters.AddWithValue("at", now);
            record.ExecuteNonQuery();
        }

        transaction.Commit();
        return found;
    }

    /// <summary>Quotes a schema name that <see cref="PostgreSqlJobStoreOptions.Validate"/> accepted.</summary>
    public static string Quote(string schema) => "\"" + schema + "\"";

    private static string Literal(string schema) => "'" + schema + "'";

    private static void Execute(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        command.ExecuteNonQuery();
    }
}
