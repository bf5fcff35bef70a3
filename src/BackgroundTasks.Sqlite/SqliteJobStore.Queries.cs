using System.Text;
using Microsoft.Data.Sqlite;

namespace BackgroundTasks.Sqlite;

/// <summary>The reads: each on a read connection of its own (WAL), seeing the last committed state, never waiting for the writer.</summary>
public sealed partial class SqliteJobStore
{
    private const string GetSql = $"SELECT {JobRows.Columns} FROM bt_jobs WHERE id = $id";

    /// <inheritdoc/>
    public ValueTask<JobRecord?> GetAsync(JobId id, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var connection = _readers.Rent();
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = GetSql;
            command.Parameters.AddWithValue("$id", id.ToString());
            using var reader = command.ExecuteReader();
            return new(reader.Read() ? JobRows.Read(reader) : null);
        }
        finally
        {
            _readers.Return(connection);
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<JobRecord>> QueryAsync(JobQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();
        var connection = _readers.Rent();
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = BuildQuery(query, command.Parameters);
            return new(JobRows.ReadAll(command));
        }
        finally
        {
            _readers.Return(connection);
        }
    }

    /// <summary>Builds the SELECT for a query: its filters, newest first (descending id), then the page.</summary>
    internal static string BuildQuery(JobQuery query, SqliteParameterCollection parameters)
    {
        var sql = new StringBuilder($"SELECT {JobRows.Columns} FROM bt_jobs");
        var where = " WHERE ";
        if (query.Status is { } status)
        {
            sql.Append(where).Append("status = $status");
            parameters.AddWithValue("$status", (int)status);
            where = " AND ";
        }

        if (query.Queue is { } queue)
        {
            sql.Append(where).Append("queue = $queue");
            parameters.AddWithValue("$queue", queue);
            where = " AND ";
        }

        if (query.Name is { } name)
        {
            sql.Append(where).Append("name = $name");
            parameters.AddWithValue("$name", name);
            where = " AND ";
        }

        if (query.ParentId is { } parent)
        {
            sql.Append(where).Append("parent_id = $parent_id");
            parameters.AddWithValue("$parent_id", parent.ToString());
        }

        sql.Append(" ORDER BY id DESC LIMIT $take OFFSET $skip");
        parameters.AddWithValue("$take", query.Take);
        parameters.AddWithValue("$skip", query.Skip);
        return sql.ToString();
    }
}
