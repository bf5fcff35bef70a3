namespace BackgroundTasks.Sqlite;

/// <summary>
/// Retention in the database: finished jobs are deleted by age and by count, in batches of
/// <see cref="SqliteJobStoreOptions.RetentionBatchSize"/>, one batch per writer turn so other writes go
/// between them. Finished rows have their own partial index; live rows are never looked at.
/// </summary>
public sealed partial class SqliteJobStore
{
    private const string DeleteByAgeSql = "DELETE FROM bt_jobs WHERE rowid IN "
        + "(SELECT rowid FROM bt_jobs INDEXED BY bt_jobs_finished WHERE status >= 4 AND retained_since < $cutoff ORDER BY retained_since LIMIT $limit)";

    private const string CountFinishedSql = "SELECT count(*) FROM bt_jobs INDEXED BY bt_jobs_finished WHERE status >= 4";

    private const string DeleteOldestSql = "DELETE FROM bt_jobs WHERE rowid IN "
        + "(SELECT rowid FROM bt_jobs INDEXED BY bt_jobs_finished WHERE status >= 4 ORDER BY retained_since LIMIT $limit)";

    private TimeSpan _retentionPeriod;
    private int _maxFinished;
    private int _retentionBatch;
    private RetentionTimer? _retentionTimer;

    /// <summary>Deletes the finished jobs the retention rules no longer keep, batch by batch, until none is left to delete.</summary>
    /// <returns>How many were deleted.</returns>
    internal async Task<RetentionResult> RunRetentionAsync(CancellationToken cancellationToken = default)
    {
        var total = default(RetentionResult);
        while (true)
        {
            var batch = await _writer.WriteAsync(DeleteBatch, cancellationToken).ConfigureAwait(false);
            total = new RetentionResult(total.DeletedByAge + batch.DeletedByAge, total.DeletedByCount + batch.DeletedByCount);
            if (batch.Deleted < _retentionBatch)
            {
                return total;
            }
        }
    }

    private void StartRetention(SqliteJobStoreOptions options)
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
            var result = await RunRetentionAsync().ConfigureAwait(false);
            if (result.Deleted > 0)
            {
                _logger.RetentionDeleted(FilePath, result.DeletedByAge, result.DeletedByCount);
            }
        }
        catch (ObjectDisposedException)
        {
            // The store closed while the clean-up waited for the writer.
        }
        catch (Exception exception)
        {
            _logger.RetentionFailed(FilePath, exception);
        }
    }
#pragma warning restore CA1031

    private RetentionResult DeleteBatch(GroupCommitWriter writer)
    {
        var byAge = 0;
        if (_retentionPeriod != Timeout.InfiniteTimeSpan)
        {
            var command = writer.Command(DeleteByAgeSql);
            command.Parameters.AddWithValue("$cutoff", _clock.GetUtcNow().UtcTicks - _retentionPeriod.Ticks);
            command.Parameters.AddWithValue("$limit", _retentionBatch);
            byAge = command.ExecuteNonQuery();
        }

        var byCount = 0;
        if (byAge < _retentionBatch)
        {
            var finished = Convert.ToInt64(writer.Command(CountFinishedSql).ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            var excess = finished - _maxFinished;
            if (excess > 0)
            {
                var command = writer.Command(DeleteOldestSql);
                command.Parameters.AddWithValue("$limit", (int)Math.Min(excess, _retentionBatch - byAge));
                byCount = command.ExecuteNonQuery();
            }
        }

        return new RetentionResult(byAge, byCount);
    }
}
