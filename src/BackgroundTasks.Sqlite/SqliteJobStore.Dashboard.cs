namespace BackgroundTasks.Sqlite;

/// <summary>What an overview of the jobs needs beyond the core contract: counts by queue and status, and deleting a finished job.</summary>
public sealed partial class SqliteJobStore
{
    private const string CountSql = "SELECT queue, status, count(*) FROM bt_jobs GROUP BY queue, status";

    private const string DeleteSql = "DELETE FROM bt_jobs WHERE id = $id AND status >= 4";

    /// <inheritdoc/>
    /// <remarks>One <c>GROUP BY</c> on a read connection: the counts of one committed state.</remarks>
    public ValueTask<IReadOnlyDictionary<(string Queue, JobStatus Status), int>> CountAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var connection = _readers.Rent();
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = CountSql;
            using var reader = command.ExecuteReader();
            var counts = new Dictionary<(string Queue, JobStatus Status), int>();
            while (reader.Read())
            {
                counts[(reader.GetString(0), (JobStatus)reader.GetInt32(1))] = reader.GetInt32(2);
            }

            return new(counts);
        }
        finally
        {
            _readers.Return(connection);
        }
    }

    /// <inheritdoc/>
    /// <remarks>Deletes the row only while the job is Succeeded, Failed or Cancelled, in one statement through the writer; the task completes once it is committed.</remarks>
    public ValueTask<bool> DeleteAsync(JobId id, CancellationToken cancellationToken = default)
    {
        var key = id.ToString();
        return new(_writer.WriteAsync(
            writer =>
            {
                var command = writer.Command(DeleteSql);
                command.Parameters.AddWithValue("$id", key);
                return command.ExecuteNonQuery() == 1;
            },
            cancellationToken));
    }
}
