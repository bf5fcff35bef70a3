using System.Data.Common;

namespace BackgroundTasks.Sqlite;

/// <summary>
/// Reads a recurring job from a row of the schedule columns, in the order both durable stores select them (name, job
/// name, cron, time zone, arguments, queue, priority, misfire, paused, last run, last run's job). The PostgreSQL package
/// links this file, as it does <see cref="JobRecordReader"/>.
/// </summary>
internal static class RecurringJobReader
{
    /// <summary>The columns, in the order <see cref="Read"/> reads them.</summary>
    public const string Columns = "name, job_name, cron, time_zone, arguments, queue, priority, misfire, paused, last_run, last_run_job";

    public static RecurringJobRecord Read(DbDataReader row) => new()
    {
        Name = row.GetString(0),
        JobName = row.GetString(1),
        Cron = row.GetString(2),
        TimeZoneId = row.GetString(3),
        Arguments = row.GetString(4),
        Queue = row.IsDBNull(5) ? null : row.GetString(5),
        Priority = (JobPriority)row.GetInt32(6),
        Misfire = (MisfirePolicy)row.GetInt32(7),
        IsPaused = row.GetBoolean(8),
        LastRun = row.IsDBNull(9) ? null : new DateTimeOffset(row.GetInt64(9), TimeSpan.Zero),
        LastRunJobId = row.IsDBNull(10) ? null : JobId.Parse(row.GetString(10)),
    };
}
