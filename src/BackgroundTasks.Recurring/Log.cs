using Microsoft.Extensions.Logging;

namespace BackgroundTasks.Recurring;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "Recurring job {Schedule} enqueued its occurrence of {Due} as job {JobId}")]
    public static partial void OccurrenceEnqueued(this ILogger logger, string schedule, DateTimeOffset due, JobId jobId);

    [LoggerMessage(2, LogLevel.Debug, "Recurring job {Schedule}: its occurrence of {Due} is job {JobId}, enqueued already (by this or another host)")]
    public static partial void OccurrenceFound(this ILogger logger, string schedule, DateTimeOffset due, JobId jobId);

    [LoggerMessage(3, LogLevel.Information, "Recurring job {Schedule} missed {Count} occurrence(s); enqueued once for the latest, {Due}")]
    public static partial void OccurrencesMissed(this ILogger logger, string schedule, int count, DateTimeOffset due);

    [LoggerMessage(4, LogLevel.Error, "Recurring job {Schedule} could not enqueue its occurrence of {Due}")]
    public static partial void OccurrenceFailed(this ILogger logger, Exception exception, string schedule, DateTimeOffset due);

    [LoggerMessage(5, LogLevel.Warning, "Recurring job {Schedule} could not read its last run from the store; it starts from now")]
    public static partial void LastRunUnknown(this ILogger logger, Exception exception, string schedule);

    [LoggerMessage(6, LogLevel.Warning, "Recurring job {Schedule} is listed but not run by this host: {Problem}")]
    public static partial void ScheduleNotRun(this ILogger logger, string schedule, string problem);

    [LoggerMessage(7, LogLevel.Warning, "The recurring jobs could not be read from the store; the schedules run as this host last knew them")]
    public static partial void StoreReadFailed(this ILogger logger, Exception exception);

    [LoggerMessage(8, LogLevel.Warning, "Recurring job {Schedule} could not be saved to the store at start-up; this host runs it as added in code")]
    public static partial void SaveFailed(this ILogger logger, Exception exception, string schedule);

    [LoggerMessage(9, LogLevel.Warning, "The job store {Store} keeps jobs durably but not recurring jobs (it does not implement IRecurringJobStore): this host keeps them in its memory, so run-time changes stay on this host and end with it. A store that wraps another implements IRecurringJobStore by passing its calls on")]
    public static partial void RecurringJobsInMemory(this ILogger logger, string store);
}
