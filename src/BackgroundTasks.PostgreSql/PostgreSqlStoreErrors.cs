using Npgsql;

namespace BackgroundTasks.PostgreSql;

/// <summary>The exception that stops a <see cref="PostgreSqlJobStore"/> from opening: it names the server and what to do.</summary>
internal static class PostgreSqlStoreErrors
{
    public static InvalidOperationException CannotOpen(NpgsqlDataSource dataSource, string schema, Exception exception)
    {
        string where;
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
            where = $"Host={builder.Host}; Port={builder.Port}; Database={builder.Database ?? "(the user's)"}; Username={builder.Username ?? "(default)"}";
        }
        catch (ArgumentException)
        {
            where = "(unreadable connection string)";
        }

        var hint = exception is PostgresException { SqlState: "28P01" or "28000" }
            ? "The server refused the login: check the user name and password."
            : exception is PostgresException { SqlState: "3D000" }
                ? "The database does not exist: create it, or name an existing one in the connection string."
                : exception is PostgresException { SqlState: "42501" }
                    ? $"The user may not create the schema \"{schema}\" or its tables: grant CREATE on the database (or create the schema for it), or choose another schema."
                    : "Check the connection string given to UseNpgsql (host, port, database, user, password) and that the server runs and accepts connections from this machine.";
        return new InvalidOperationException($"Cannot open the job store in PostgreSQL ({where}; schema \"{schema}\"): {exception.Message}. {hint}", exception);
    }
}
