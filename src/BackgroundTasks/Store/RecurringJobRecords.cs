namespace BackgroundTasks;

/// <summary>Checks shared by the stores that keep recurring jobs (the SQLite and PostgreSQL packages link this file).</summary>
internal static class RecurringJobRecords
{
    /// <summary>Checks that a recurring job can be saved: a name, a job name, a cron expression, a time zone id and arguments.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="recurringJob"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A required field is empty; the message names it.</exception>
    public static void ThrowIfInvalid(RecurringJobRecord recurringJob)
    {
        ArgumentNullException.ThrowIfNull(recurringJob);
        string? empty = string.IsNullOrEmpty(recurringJob.Name) ? nameof(RecurringJobRecord.Name)
            : string.IsNullOrEmpty(recurringJob.JobName) ? nameof(RecurringJobRecord.JobName)
            : string.IsNullOrEmpty(recurringJob.Cron) ? nameof(RecurringJobRecord.Cron)
            : string.IsNullOrEmpty(recurringJob.TimeZoneId) ? nameof(RecurringJobRecord.TimeZoneId)
            : recurringJob.Arguments is null ? nameof(RecurringJobRecord.Arguments)
            : null;
        if (empty is not null)
        {
            throw new ArgumentException($"RecurringJobRecord.{empty} is empty: a recurring job needs a name, a job name, a cron expression, a time zone id and arguments.", nameof(recurringJob));
        }
    }
}
