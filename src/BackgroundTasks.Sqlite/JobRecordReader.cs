using System.Data.Common;

namespace BackgroundTasks.Sqlite;

/// <summary>
/// Reads a job record from a row of the job columns, in the order both durable stores select them (id, name,
/// queue, priority, status, ..., unique key, continued job, continuation rule, timeout, back-off). The PostgreSQL package links this
/// file, as it does <see cref="ResultCodec"/>: one reader for both stores' rows.
/// </summary>
internal static class JobRecordReader
{
    public static JobRecord Read(DbDataReader row) => new()
    {
        Id = JobId.Parse(row.GetString(0)),
        Name = row.IsDBNull(1) ? null : row.GetString(1),
        Queue = row.GetString(2),
        Priority = (JobPriority)row.GetInt32(3),
        Status = (JobStatus)row.GetInt32(4),
        Attempt = row.GetInt32(5),
        MaxAttempts = row.GetInt32(6),
        EnqueuedAt = Time(row.GetInt64(7)),
        ScheduledAt = NullableTime(row, 8),
        StartedAt = NullableTime(row, 9),
        FinishedAt = NullableTime(row, 10),
        Progress = new JobProgress(
            row.GetDouble(11),
            row.IsDBNull(12) ? null : row.GetString(12),
            row.IsDBNull(13) ? null : row.GetInt64(13),
            row.IsDBNull(14) ? null : row.GetInt64(14)),
        Error = row.IsDBNull(15)
            ? null
            : new JobError(row.GetString(15), row.IsDBNull(16) ? string.Empty : row.GetString(16), row.IsDBNull(17) ? null : row.GetString(17), !row.IsDBNull(18) && row.GetBoolean(18)),
        Result = ResultCodec.Decode(row.IsDBNull(19) ? null : row.GetString(19), row.IsDBNull(20) ? null : row.GetString(20)),
        ParentId = row.IsDBNull(21) ? null : JobId.Parse(row.GetString(21)),
        Arguments = row.IsDBNull(22) ? null : row.GetString(22),
        CancelReason = (JobCancelReason)row.GetInt32(23),
        TraceParent = row.IsDBNull(24) ? null : row.GetString(24),
        TraceState = row.IsDBNull(25) ? null : row.GetString(25),
        UniqueKey = row.IsDBNull(26) ? null : row.GetString(26),
        ContinueAfter = row.IsDBNull(27) ? null : JobId.Parse(row.GetString(27)),
        ContinueWhen = (JobContinuation)row.GetInt32(28),
        Timeout = row.IsDBNull(29) ? null : TimeSpan.FromTicks(row.GetInt64(29)),
        Backoff = row.IsDBNull(30) ? null : new RetryBackoff
        {
            InitialDelay = TimeSpan.FromTicks(row.GetInt64(30)),
            MaxDelay = TimeSpan.FromTicks(row.GetInt64(31)),
            Multiplier = row.GetDouble(32),
            Jitter = row.GetDouble(33),
        },
    };

    /// <summary>A stored time: UTC ticks.</summary>
    public static DateTimeOffset Time(long ticks) => new(ticks, TimeSpan.Zero);

    private static DateTimeOffset? NullableTime(DbDataReader row, int ordinal) => row.IsDBNull(ordinal) ? null : Time(row.GetInt64(ordinal));
}
