using System.Text;
using Npgsql;

namespace BackgroundTasks.PostgreSql;

/// <summary>The reads, each on a pooled connection of its own, seeing the last committed state; and deleting a finished job.</summary>
public sealed partial class PostgreSqlJobStore
{
    /// <inheritdoc/>
    public async ValueTask<JobRecord?> GetAsync(JobId id, CancellationToken cancellationToken = default)
    {
        var command = _dataSource.CreateCommand(_getSql);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("id", id.ToString());
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? JobRows.Read(reader) : null;
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<JobRecord>> QueryAsync(JobQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var command = _dataSource.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.CommandText = BuildQuery(query, command.Parameters);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                return JobRows.ReadAll(reader);
            }
        }
    }

    /// <inheritdoc/>
    /// <remarks>One <c>GROUP BY</c>: the counts of one committed state, every host's jobs included.</remarks>
    public async ValueTask<IReadOnlyDictionary<(string Queue, JobStatus Status), int>> CountAsync(CancellationToken cancellationToken = default)
    {
        var command = _dataSource.CreateCommand(_countSql);
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var counts = new Dictionary<(string Queue, JobStatus Status), int>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    counts[(reader.GetString(0), (JobStatus)reader.GetInt16(1))] = (int)reader.GetInt64(2);
                }

                return counts;
            }
        }
    }

    /// <inheritdoc/>
    /// <remarks>Deletes the row only while the job is Succeeded, Failed or Cancelled, in one statement.</remarks>
    public async ValueTask<bool> DeleteAsync(JobId id, CancellationToken cancellationToken = default)
    {
        var command = _dataSource.CreateCommand(_deleteSql);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("id", id.ToString());
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
        }
    }

    /// <summary>Lists the hosts that share this store, as their heartbeats recorded them, most recently started first.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>
    /// Each host instance (owner) that renewed its leases lately; an instance that stopped stays listed until ten lease
    /// durations after its last heartbeat.
    /// </returns>
    public async Task<IReadOnlyList<PostgreSqlHost>> ListHostsAsync(CancellationToken cancellationToken = default)
    {
        var command = _dataSource.CreateCommand($"SELECT host, owner, started_at, heartbeat_at FROM {_hosts} ORDER BY started_at DESC, owner");
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var hosts = new List<PostgreSqlHost>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    hosts.Add(new PostgreSqlHost(reader.GetString(0), reader.GetString(1), JobRows.Time(reader.GetInt64(2)), JobRows.Time(reader.GetInt64(3))));
                }

                return hosts;
            }
        }
    }

    /// <summary>Builds the SELECT for a query: its filters, newest first (descending id), then the page.</summary>
    private string BuildQuery(JobQuery query, NpgsqlParameterCollection parameters)
    {
        var sql = new StringBuilder($"SELECT {JobRows.Columns} FROM {_jobs}");
        var where = " WHERE ";
        if (query.Status is { } status)
        {
            sql.Append(where).Append("status = @status");
            parameters.AddWithValue("status", (short)status);
            where = " AND ";
        }

        if (query.Queue is { } queue)
        {
            sql.Append(where).Append("queue = @queue");
            parameters.AddWithValue("queue", queue);
            where = " AND ";
        }

        if (query.Name is { } name)
        {
            sql.Append(where).Append("name = @name");
            parameters.AddWithValue("name", name);
            where = " AND ";
        }

        if (query.ParentId is { } parent)
        {
            sql.Append(where).Append("parent_id = @parent_id");
            parameters.AddWithValue("parent_id", parent.ToString());
        }

        sql.Append(" ORDER BY id DESC LIMIT @take OFFSET @skip");
        parameters.AddWithValue("take", query.Take);
        parameters.AddWithValue("skip", query.Skip);
        return sql.ToString();
    }
}
