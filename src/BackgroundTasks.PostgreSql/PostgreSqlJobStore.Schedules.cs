using BackgroundTasks.Sqlite;
using Npgsql;

namespace BackgroundTasks.PostgreSql;

/// <summary>
/// Recurring jobs (<see cref="IRecurringJobStore"/>) in the table <c>schedules</c>. Every save, pause and removal adds one
/// to the row of <c>schedules_version</c> and notifies the schema's channel, in one statement. A host learns of other
/// hosts' changes from that notification, on the <c>LISTEN</c> connection it has anyway, and reads the version row only
/// every <see cref="ScheduleSafetyRead"/> (a lost notification, or poll-only mode): so the schedulers' once-a-second
/// question about the version costs the database nothing.
/// </summary>
public sealed partial class PostgreSqlJobStore : IRecurringJobStore
{
    /// <summary>How often the version row is read, whatever the notifications said.</summary>
    internal static readonly TimeSpan ScheduleSafetyRead = TimeSpan.FromSeconds(30);

    private readonly Lock _scheduleGate = new();
    private long _scheduleVersion;
    private long? _scheduleRowVersion;
    private DateTimeOffset _scheduleReadAt;
    private int _scheduleListening;

    /// <inheritdoc/>
    public async ValueTask SaveRecurringJobAsync(RecurringJobRecord recurringJob, CancellationToken cancellationToken = default)
    {
        RecurringJobRecords.ThrowIfInvalid(recurringJob);
        var schema = PostgreSqlSchema.Quote(Schema);
        var command = _dataSource.CreateCommand($"""
            WITH saved AS (
                INSERT INTO {schema}.schedules ({RecurringJobReader.Columns})
                VALUES (@name, @job_name, @cron, @time_zone, @arguments, @queue, @priority, @misfire, @paused, @last_run, @last_run_job)
                ON CONFLICT (name) DO UPDATE SET job_name = excluded.job_name, cron = excluded.cron, time_zone = excluded.time_zone,
                    arguments = excluded.arguments, queue = excluded.queue, priority = excluded.priority, misfire = excluded.misfire
                RETURNING 1),
            bump AS (UPDATE {schema}.schedules_version SET version = version + 1 WHERE id = 1 AND EXISTS (SELECT 1 FROM saved) RETURNING version)
            SELECT count(pg_notify(@channel, @payload)) FROM bump
            """);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("name", recurringJob.Name);
            command.Parameters.AddWithValue("job_name", recurringJob.JobName);
            command.Parameters.AddWithValue("cron", recurringJob.Cron);
            command.Parameters.AddWithValue("time_zone", recurringJob.TimeZoneId);
            command.Parameters.AddWithValue("arguments", recurringJob.Arguments);
            command.Parameters.AddWithValue("queue", NpgsqlTypes.NpgsqlDbType.Text, (object?)recurringJob.Queue ?? DBNull.Value);
            command.Parameters.AddWithValue("priority", (int)recurringJob.Priority);
            command.Parameters.AddWithValue("misfire", (int)recurringJob.Misfire);
            command.Parameters.AddWithValue("paused", recurringJob.IsPaused);
            command.Parameters.AddWithValue("last_run", NpgsqlTypes.NpgsqlDbType.Bigint, (object?)recurringJob.LastRun?.UtcTicks ?? DBNull.Value);
            command.Parameters.AddWithValue("last_run_job", NpgsqlTypes.NpgsqlDbType.Text, (object?)recurringJob.LastRunJobId?.ToString() ?? DBNull.Value);
            await ChangeSchedulesAsync(command, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<bool> PauseRecurringJobAsync(string name, bool paused, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var command = ChangeCommand($"UPDATE {PostgreSqlSchema.Quote(Schema)}.schedules SET paused = @paused WHERE name = @name RETURNING 1");
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("name", name);
            command.Parameters.AddWithValue("paused", paused);
            return await ChangeSchedulesAsync(command, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<bool> RecordRecurringRunAsync(string name, DateTimeOffset due, JobId jobId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var command = _dataSource.CreateCommand($"UPDATE {PostgreSqlSchema.Quote(Schema)}.schedules SET last_run = @due, last_run_job = @job WHERE name = @name AND (last_run IS NULL OR last_run < @due)");
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("name", name);
            command.Parameters.AddWithValue("due", due.UtcTicks);
            command.Parameters.AddWithValue("job", jobId.ToString());
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<bool> RemoveRecurringJobAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var command = ChangeCommand($"DELETE FROM {PostgreSqlSchema.Quote(Schema)}.schedules WHERE name = @name RETURNING 1");
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("name", name);
            return await ChangeSchedulesAsync(command, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<RecurringJobRecord>> ListRecurringJobsAsync(CancellationToken cancellationToken = default)
    {
        var command = _dataSource.CreateCommand($"SELECT {RecurringJobReader.Columns} FROM {PostgreSqlSchema.Quote(Schema)}.schedules ORDER BY name");
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var records = new List<RecurringJobRecord>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    records.Add(RecurringJobReader.Read(reader));
                }

                return records;
            }
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Answered from memory: the number counts this store's own changes, the other hosts' notifications, and the changes
    /// the version row showed when it was last read. The row is read on the first call and then at most every 30
    /// seconds, so a change whose notification was lost (the <c>LISTEN</c> connection was down, or poll-only mode) shows
    /// within 30 seconds.
    /// </remarks>
    public async ValueTask<long> GetRecurringJobsVersionAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _scheduleListening, 1) == 0)
        {
            _notifier.SchedulesChanged += () => Interlocked.Increment(ref _scheduleVersion);
        }

        var now = _clock.GetUtcNow();
        bool due;
        lock (_scheduleGate)
        {
            due = _scheduleRowVersion is null || now - _scheduleReadAt >= ScheduleSafetyRead;
        }

        if (due)
        {
            var command = _dataSource.CreateCommand($"SELECT version FROM {PostgreSqlSchema.Quote(Schema)}.schedules_version WHERE id = 1");
            await using (command.ConfigureAwait(false))
            {
                var row = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                lock (_scheduleGate)
                {
                    if (_scheduleRowVersion is { } seen && seen != row)
                    {
                        Interlocked.Increment(ref _scheduleVersion);
                    }

                    (_scheduleRowVersion, _scheduleReadAt) = (row, now);
                }
            }
        }

        return Interlocked.Read(ref _scheduleVersion);
    }

    /// <summary>Wraps a change that returns a row per changed recurring job: the version goes up and the hosts are told, only when one changed.</summary>
    private NpgsqlCommand ChangeCommand(string change)
    {
        var schema = PostgreSqlSchema.Quote(Schema);
        return _dataSource.CreateCommand($"""
            WITH changed AS ({change}),
            bump AS (UPDATE {schema}.schedules_version SET version = version + 1 WHERE id = 1 AND EXISTS (SELECT 1 FROM changed) RETURNING version)
            SELECT count(pg_notify(@channel, @payload)) FROM bump
            """);
    }

    /// <summary>Runs a change made by <see cref="ChangeCommand"/> (or the save); this store's own version goes up with it.</summary>
    /// <returns>Whether a recurring job changed.</returns>
    private async Task<bool> ChangeSchedulesAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        command.Parameters.AddWithValue("channel", _notifier.Channel);
        command.Parameters.AddWithValue("payload", _notifier.SchedulesPayload);
        var notified = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        if (notified == 0)
        {
            return false;
        }

        Interlocked.Increment(ref _scheduleVersion);
        return true;
    }
}
