using Microsoft.Extensions.Logging;
using Npgsql;

namespace BackgroundTasks.PostgreSql.Tests;

/// <summary>A schema of its own (a random name) on the test server, dropped with everything in it at the end.</summary>
internal sealed class TestSchema : IAsyncDisposable
{
    public TestSchema()
        : this(PostgresServer.ConnectionString)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="TestSchema"/> class on another server than the tests' own.</summary>
    public TestSchema(string connectionString)
    {
        ConnectionString = connectionString;
        Name = "bt_test_" + Guid.NewGuid().ToString("N")[..12];
        DataSource = NpgsqlDataSource.Create(ConnectionString);
    }

    public string ConnectionString { get; }

    public string Name { get; }

    /// <summary>Gets a data source for the test's own statements (and for stores made by <see cref="Open"/>).</summary>
    public NpgsqlDataSource DataSource { get; }

    public PostgreSqlJobStoreOptions Options(Action<PostgreSqlJobStoreOptions>? configure = null)
    {
        var options = new PostgreSqlJobStoreOptions { Schema = Name, RetentionInterval = Timeout.InfiniteTimeSpan };
        configure?.Invoke(options);
        return options;
    }

    /// <summary>
    /// Opens a store on the schema, with a data source of its own (so each store has its own pool, like a host) made as
    /// <c>UseNpgsql(connectionString)</c> makes it: its statements are prepared.
    /// </summary>
    public PostgreSqlJobStore Open(Action<PostgreSqlJobStoreOptions>? configure = null, TimeProvider? time = null, ILogger? logger = null)
        => new(NpgsqlDataSource.Create(StoreConnectionString.Create(ConnectionString).ConnectionString), ownsDataSource: true, Options(configure), time, logger);

    /// <summary>Runs a statement of the test's own, with the schema's name for <c>{0}</c>.</summary>
    public async Task<object?> ScalarAsync(string sql, CancellationToken cancellationToken = default)
    {
        await using var command = DataSource.CreateCommand(sql.Replace("{0}", $"\"{Name}\"", StringComparison.Ordinal));
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await using var command = DataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{Name}\" CASCADE");
            await command.ExecuteNonQueryAsync();
        }
        finally
        {
            await DataSource.DisposeAsync();
        }
    }
}
