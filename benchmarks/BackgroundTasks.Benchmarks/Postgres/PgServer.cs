using System.Globalization;
using System.Text;
using Npgsql;

namespace BackgroundTasks.Benchmarks.Postgres;

/// <summary>
/// The PostgreSQL server the benchmarks run on, named by the environment variable <see cref="Variable"/>: it creates
/// and drops the fresh database of each measurement and reads the server's statistics and settings. It connects to
/// the database of the connection string (normally <c>postgres</c>), never to a contender's, so its own queries do not
/// count in a contender's figures.
/// </summary>
public sealed class PgServer
{
    /// <summary>The environment variable that holds the connection string.</summary>
    public const string Variable = "BACKGROUNDTASKS_POSTGRES";

    private readonly NpgsqlConnectionStringBuilder _admin;

    private PgServer(string connectionString) => _admin = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };

    /// <summary>Reads the connection string from <see cref="Variable"/>.</summary>
    /// <exception cref="InvalidOperationException">The variable is not set.</exception>
    public static PgServer FromEnvironment()
        => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } connectionString
            ? new PgServer(connectionString)
            : throw new InvalidOperationException($"Set {Variable} to the connection string of a PostgreSQL server (for example Host=127.0.0.1;Port=55432;Username=postgres;Database=postgres); `eval \"$(bash .ci/postgres.sh start)\"` starts a throw-away one.");

    /// <summary>Creates a fresh database for one measurement and returns its name.</summary>
    public async Task<string> CreateDatabaseAsync(PgContender kind, string measurement)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"bt_bench_{kind.ToString().ToLowerInvariant()}_{measurement}_{Guid.NewGuid():N}")[..50];
        await ExecuteAsync($"CREATE DATABASE \"{name}\"");
        return name;
    }

    /// <summary>Drops <paramref name="database"/>, closing whatever connections are left on it.</summary>
    public Task DropDatabaseAsync(string database) => ExecuteAsync($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");

    /// <summary>Gets the connection string of <paramref name="database"/>, with the server's pooling defaults.</summary>
    public string ConnectionString(string database)
        => new NpgsqlConnectionStringBuilder(_admin.ConnectionString) { Database = database, Pooling = true }.ConnectionString;

    /// <summary>
    /// Reads the transactions that <paramref name="database"/> has committed and rolled back, and its connections
    /// (<c>pg_stat_database</c>; each backend reports its counts at most once a second while busy, and within about
    /// ten seconds of going idle).
    /// </summary>
    public async Task<(long Transactions, int Connections)> TransactionsAsync(string database)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand("SELECT xact_commit + xact_rollback, numbackends FROM pg_stat_database WHERE datname = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = database });
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? (reader.GetInt64(0), reader.GetInt32(1))
            : throw new InvalidOperationException($"pg_stat_database has no row for {database}.");
    }

    /// <summary>Describes the server: its version, then every setting that is not at its built-in default.</summary>
    public async Task<string> DescribeAsync()
    {
        await using var connection = await OpenAsync();
        var text = new StringBuilder();
        await using (var version = new NpgsqlCommand("SELECT version()", connection))
        {
            text.Append(await version.ExecuteScalarAsync()).Append('\n');
        }

        const string Settings = """
            SELECT name, current_setting(name), source FROM pg_settings
            WHERE (source NOT IN ('default', 'override', 'client', 'session')
                   OR name IN ('shared_buffers', 'work_mem', 'max_connections', 'synchronous_commit', 'fsync', 'wal_level', 'checkpoint_timeout'))
              AND name NOT LIKE '%file' AND name NOT LIKE '%directory' AND name NOT LIKE '%directories' AND name NOT LIKE 'lc_%'
            ORDER BY name
            """;
        await using var command = new NpgsqlCommand(Settings, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var settings = new List<string>();
        while (await reader.ReadAsync())
        {
            settings.Add($"{reader.GetString(0)}={reader.GetString(1)} ({reader.GetString(2)})");
        }

        return text.Append(string.Join(", ", settings)).ToString();
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(_admin.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
