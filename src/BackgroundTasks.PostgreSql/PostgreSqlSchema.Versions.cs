namespace BackgroundTasks.PostgreSql;

/// <summary>The scripts of the versions after the first, each applied once, in order, by <see cref="PostgreSqlSchema.Migrate"/>.</summary>
internal static partial class PostgreSqlSchema
{
    /// <summary>
    /// Version 2: unique keys (<see cref="JobRecord.UniqueKey"/>); NULL for older rows. The unique index over the rows that
    /// are not terminal is what settles adds of one key racing from several hosts; the other index finds the job with the
    /// key that finished last, for a window (<see cref="JobOptions.UniqueFor"/>).
    /// </summary>
    private const string UniqueKeysMigration = """
        ALTER TABLE {0}.jobs ADD COLUMN unique_key text COLLATE "C";
        CREATE UNIQUE INDEX jobs_unique_live ON {0}.jobs (unique_key) WHERE unique_key IS NOT NULL AND status < 4;
        CREATE INDEX jobs_unique_finished ON {0}.jobs (unique_key, finished_at) WHERE unique_key IS NOT NULL AND status >= 4;
        """;
}
