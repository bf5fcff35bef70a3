using Microsoft.Data.Sqlite;

namespace BackgroundTasks.Benchmarks.Durable;

/// <summary>The SQLite settings every contender gets where it lets us choose them, and the size of a file on disk.</summary>
public static class SqliteFiles
{
    /// <summary>The pragmas each connection runs when it opens (journal mode is kept in the file; synchronous is per connection).</summary>
    public const string ConnectionPragmas = "PRAGMA synchronous = NORMAL;";

    /// <summary>The connection string Microsoft.Data.Sqlite opens <paramref name="file"/> with.</summary>
    public static string ConnectionString(string file) => new SqliteConnectionStringBuilder { DataSource = file, Pooling = true }.ToString();

    /// <summary>Creates <paramref name="file"/> (if missing) in WAL mode, which the file keeps for every later connection.</summary>
    public static void CreateInWalMode(string file)
    {
        using var connection = new SqliteConnection(ConnectionString(file));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL;";
        var mode = command.ExecuteScalar() as string;
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"{file} did not switch to WAL mode (journal_mode is {mode}).");
        }
    }

    /// <summary>
    /// Checkpoints <paramref name="file"/> (its WAL written back and truncated) once every contender's connection
    /// is closed, and returns the bytes of the file and its -wal file.
    /// </summary>
    public static long CheckpointedSize(string file)
    {
        SqliteConnection.ClearAllPools();
        using (var connection = new SqliteConnection(ConnectionString(file)))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            command.ExecuteNonQuery();
        }

        SqliteConnection.ClearAllPools();
        var wal = new FileInfo(file + "-wal");
        return new FileInfo(file).Length + (wal.Exists ? wal.Length : 0);
    }

    /// <summary>Reads the journal mode and synchronous level a fresh connection to <paramref name="file"/> gets without any pragma of ours.</summary>
    public static string DefaultsOf(string file)
    {
        using var connection = new SqliteConnection(ConnectionString(file));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        var mode = command.ExecuteScalar();
        command.CommandText = "PRAGMA synchronous;";
        var synchronous = Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        return $"journal_mode={mode}, synchronous={synchronous switch { 0 => "OFF", 1 => "NORMAL", 2 => "FULL", _ => "EXTRA" }}";
    }
}
