using Npgsql;

namespace BackgroundTasks.Tests;

/// <summary>
/// A schema of its own (a random name) on the PostgreSQL test server named by <c>BACKGROUNDTASKS_POSTGRES</c>, dropped with
/// everything in it at the end. Without the variable, the test fails under CI (<c>CI=true</c>) and is ignored elsewhere,
/// each time with how to start a server.
/// </summary>
public sealed class TemporaryPostgresSchema : IDisposable
{
    private const string Variable = "BACKGROUNDTASKS_POSTGRES";

    private const string Hint = "No PostgreSQL server for the tests: set " + Variable + " to its connection string, "
        + "or start a throw-away one from the repository root with: eval \"$(bash .ci/postgres.sh start)\"";

    public TemporaryPostgresSchema()
    {
        var connectionString = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail(Hint);
            }

            Assert.Ignore(Hint);
        }

        ConnectionString = connectionString!;
        Name = "bt_core_" + Guid.NewGuid().ToString("N")[..12];
    }

    public string ConnectionString { get; }

    public string Name { get; }

    /// <summary>Opens a store on the schema, on the given clock, with no automatic clean-up.</summary>
    public PostgreSql.PostgreSqlJobStore Open(TimeProvider? time = null)
        => new(NpgsqlDataSource.Create(ConnectionString), ownsDataSource: true, new PostgreSql.PostgreSqlJobStoreOptions { Schema = Name, RetentionInterval = Timeout.InfiniteTimeSpan }, time, logger: null);

    public void Dispose()
    {
        using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        using var command = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{Name}\" CASCADE");
        command.ExecuteNonQuery();
    }
}
