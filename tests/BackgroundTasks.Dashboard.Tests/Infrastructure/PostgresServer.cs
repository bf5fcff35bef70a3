namespace BackgroundTasks.Dashboard.Tests;

/// <summary>
/// The PostgreSQL server the tests use: its connection string comes from the environment variable
/// <c>BACKGROUNDTASKS_POSTGRES</c>. Without it, a test fails under CI (<c>CI=true</c>) and is ignored elsewhere, each
/// time with how to start a server.
/// </summary>
internal static class PostgresServer
{
    private const string Variable = "BACKGROUNDTASKS_POSTGRES";

    private const string Hint = "No PostgreSQL server for the tests: set " + Variable + " to its connection string, "
        + "or start a throw-away one from the repository root with: eval \"$(bash .ci/postgres.sh start)\"";

    /// <summary>Gets the connection string, or fails or ignores the calling test when there is none.</summary>
    public static string ConnectionString
    {
        get
        {
            var value = Environment.GetEnvironmentVariable(Variable);
            if (!string.IsNullOrWhiteSpace(value))
            {
                return value;
            }

            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail(Hint);
            }

            Assert.Ignore(Hint);
            return string.Empty;
        }
    }
}
