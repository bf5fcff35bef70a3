using Microsoft.Data.Sqlite;

namespace BackgroundTasks.Sqlite;

/// <summary>
/// Recurring jobs (<see cref="IRecurringJobStore"/>) in the table <c>bt_schedules</c>: written through the store's one
/// writer, read on a read connection. Every save, pause and removal adds one to the row of <c>bt_schedules_version</c> in
/// the same transaction, which each host's scheduler reads once a second.
/// </summary>
public sealed partial class SqliteJobStore : IRecurringJobStore
{
    private const string SaveScheduleSql = $"""
        INSERT INTO bt_schedules ({RecurringJobReader.Columns})
        VALUES ($name, $job_name, $cron, $time_zone, $arguments, $queue, $priority, $misfire, $paused, $last_run, $last_run_job)
        ON CONFLICT (name) DO UPDATE SET job_name = excluded.job_name, cron = excluded.cron, time_zone = excluded.time_zone,
            arguments = excluded.arguments, queue = excluded.queue, priority = excluded.priority, misfire = excluded.misfire
        """;

    private const string PauseScheduleSql = "UPDATE bt_schedules SET paused = $paused WHERE name = $name";

    private const string RecordRunSql = "UPDATE bt_schedules SET last_run = $due, last_run_job = $job WHERE name = $name AND (last_run IS NULL OR last_run < $due)";

    private const string RemoveScheduleSql = "DELETE FROM bt_schedules WHERE name = $name";

    private const string BumpScheduleVersionSql = "UPDATE bt_schedules_version SET version = version + 1 WHERE id = 1";

    private const string ListSchedulesSql = $"SELECT {RecurringJobReader.Columns} FROM bt_schedules ORDER BY name";

    private const string ScheduleVersionSql = "SELECT version FROM bt_schedules_version WHERE id = 1";

    /// <inheritdoc/>
    public ValueTask SaveRecurringJobAsync(RecurringJobRecord recurringJob, CancellationToken cancellationToken = default)
    {
        RecurringJobRecords.ThrowIfInvalid(recurringJob);
        return new(_writer.WriteAsync(
            writer =>
            {
                var command = writer.Command(SaveScheduleSql);
                command.Parameters.AddWithValue("$name", recurringJob.Name);
                command.Parameters.AddWithValue("$job_name", recurringJob.JobName);
                command.Parameters.AddWithValue("$cron", recurringJob.Cron);
                command.Parameters.AddWithValue("$time_zone", recurringJob.TimeZoneId);
                command.Parameters.AddWithValue("$arguments", recurringJob.Arguments);
                command.Parameters.AddWithValue("$queue", (object?)recurringJob.Queue ?? DBNull.Value);
                command.Parameters.AddWithValue("$priority", (int)recurringJob.Priority);
                command.Parameters.AddWithValue("$misfire", (int)recurringJob.Misfire);
                command.Parameters.AddWithValue("$paused", recurringJob.IsPaused ? 1 : 0);
                command.Parameters.AddWithValue("$last_run", (object?)recurringJob.LastRun?.UtcTicks ?? DBNull.Value);
                command.Parameters.AddWithValue("$last_run_job", (object?)recurringJob.LastRunJobId?.ToString() ?? DBNull.Value);
                command.ExecuteNonQuery();
                writer.Command(BumpScheduleVersionSql).ExecuteNonQuery();
                return true;
            },
            cancellationToken));
    }

    /// <inheritdoc/>
    public ValueTask<bool> PauseRecurringJobAsync(string name, bool paused, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return new(_writer.WriteAsync(
            writer =>
            {
                var command = writer.Command(PauseScheduleSql);
                command.Parameters.AddWithValue("$name", name);
                command.Parameters.AddWithValue("$paused", paused ? 1 : 0);
                return BumpIfChanged(writer, command.ExecuteNonQuery());
            },
            cancellationToken));
    }

    /// <inheritdoc/>
    public ValueTask<bool> RecordRecurringRunAsync(string name, DateTimeOffset due, JobId jobId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return new(_writer.WriteAsync(
            writer =>
            {
                var command = writer.Command(RecordRunSql);
                command.Parameters.AddWithValue("$name", name);
                command.Parameters.AddWithValue("$due", due.UtcTicks);
                command.Parameters.AddWithValue("$job", jobId.ToString());
                return command.ExecuteNonQuery() == 1;
            },
            cancellationToken));
    }

    /// <inheritdoc/>
    public ValueTask<bool> RemoveRecurringJobAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return new(_writer.WriteAsync(
            writer =>
            {
                var command = writer.Command(RemoveScheduleSql);
                command.Parameters.AddWithValue("$name", name);
                return BumpIfChanged(writer, command.ExecuteNonQuery());
            },
            cancellationToken));
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<RecurringJobRecord>> ListRecurringJobsAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new(Read(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = ListSchedulesSql;
            using var reader = command.ExecuteReader();
            var records = new List<RecurringJobRecord>();
            while (reader.Read())
            {
                records.Add(RecurringJobReader.Read(reader));
            }

            return (IReadOnlyList<RecurringJobRecord>)records;
        }));
    }

    /// <inheritdoc/>
    /// <remarks>One read of one row on a read connection: cheap enough for every host's scheduler to ask once a second.</remarks>
    public ValueTask<long> GetRecurringJobsVersionAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new(Read(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = ScheduleVersionSql;
            return (long)command.ExecuteScalar()!;
        }));
    }

    private static bool BumpIfChanged(GroupCommitWriter writer, int rows)
    {
        if (rows == 0)
        {
            return false;
        }

        writer.Command(BumpScheduleVersionSql).ExecuteNonQuery();
        return true;
    }

    private T Read<T>(Func<SqliteConnection, T> read)
    {
        var connection = _readers.Rent();
        try
        {
            return read(connection);
        }
        finally
        {
            _readers.Return(connection);
        }
    }
}
