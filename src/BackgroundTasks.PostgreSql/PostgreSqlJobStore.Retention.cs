using BackgroundTasks.Sqlite;

namespace BackgroundTasks.PostgreSql;

/// <summary>
/// Retention in the database: finished jobs are deleted by age and by count, in batches of
/// <see cref="PostgreSqlJobStoreOptions.RetentionBatchSize"/>, each its own statement, so that no clean-up holds
/// locks for long. Finished rows have their own partial index; live rows are never looked at. Hosts that clean up
/// at the same moment skip each other's rows.
/// </summary>
public sealed partial class PostgreSqlJobStore
{
    private string _deleteByAgeSql = null!;
    private string _deleteOldestSql = null!;
    private TimeSpan _retentionPeriod;
    private int _maxFinished;
    private int _retentionBatch;
    private RetentionTimer? _retentionTimer;

    /// <summary>Deletes the finished jobs the retention rules no longer keep, batch by batch, until none is left to delete.</summary>
    /// <returns>How many were deleted.</returns>
    internal async Task<int> RunRetentionAsync(CancellationToken cancellationToken = default)
    {
        var total = 0;
        if (_retentionPeriod != Timeout.InfiniteTimeSpan)
        {
            total += await DeleteInBatchesAsync(_deleteByAgeSql, "cutoff", _clock.GetUtcNow().UtcTicks - _retentionPeriod.Ticks, cancellationToken).ConfigureAwait(false);
        }

        total += await DeleteInBatchesAsync(_deleteOldestSql, "keep", _maxFinished, cancellationToken).ConfigureAwait(false);
        return total;
    }

    private async Task<int> DeleteInBatchesAsync(string sql, string name, long value, CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            var command = _dataSource.CreateCommand(sql);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddWithValue(name, value);
                command.Parameters.AddWithValue("limit", _retentionBatch);
                var deleted = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                total += deleted;
                if (deleted < _retentionBatch)
                {
                    return total;
                }
            }
        }
    }

    private void BuildRetentionStatements()
    {
        _deleteByAgeSql = $"DELETE FROM {_jobs} WHERE id IN (SELECT id FROM {_jobs} WHERE status >= 4 AND retained_since < @cutoff "
            + "ORDER BY retained_since LIMIT @limit FOR UPDATE SKIP LOCKED)";
        _deleteOldestSql = $"DELETE FROM {_jobs} WHERE id IN (SELECT id FROM {_jobs} WHERE status >= 4 "
            + "ORDER BY retained_since DESC OFFSET @keep LIMIT @limit FOR UPDATE SKIP LOCKED)";
    }

    private void StartRetention(PostgreSqlJobStoreOptions options)
    {
        _retentionPeriod = options.RetentionPeriod;
        _maxFinished = options.MaxFinishedJobs;
        _retentionBatch = options.RetentionBatchSize;
        _retentionTimer = new RetentionTimer(_clock, options.RetentionInterval, RunScheduledRetentionAsync);
    }

    private async Task StopRetentionAsync()
    {
        if (_retentionTimer is { } timer)
        {
            await timer.DisposeAsync().ConfigureAwait(false);
        }
    }

#pragma warning disable CA1031 // A failed clean-up is logged and tried again at the next tick; it must not crash the timer.
    private async Task RunScheduledRetentionAsync()
    {
        try
        {
            var deleted = await RunRetentionAsync().ConfigureAwait(false);
            if (deleted > 0)
            {
                _logger.RetentionDeleted(Schema, deleted);
            }
        }
        catch (Exception exception)
        {
            _logger.RetentionFailed(Schema, exception);
        }
    }
#pragma warning restore CA1031
}
