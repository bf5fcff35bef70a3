using Microsoft.Extensions.Logging;

namespace BackgroundTasks.PostgreSql;

/// <summary>The store's log messages. Event ids never change once shipped.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Warning, "Deleting finished jobs from the job schema '{Schema}' failed; the next clean-up tries again")]
    public static partial void RetentionFailed(this ILogger logger, string schema, Exception exception);

    [LoggerMessage(2, LogLevel.Debug, "Deleted {Count} finished jobs from the job schema '{Schema}'")]
    public static partial void RetentionDeleted(this ILogger logger, string schema, int count);

    [LoggerMessage(3, LogLevel.Warning, "The connection listening on '{Channel}' for other hosts' jobs was lost; listening again in {Retry} (until then, jobs are found by polling)")]
    public static partial void ListenLost(this ILogger logger, string channel, TimeSpan retry, Exception exception);

    [LoggerMessage(4, LogLevel.Information, "Listening again on '{Channel}' for other hosts' jobs")]
    public static partial void ListenRestored(this ILogger logger, string channel);

    [LoggerMessage(5, LogLevel.Error, "A handler of the job store's notifications threw")]
    public static partial void NotificationHandlerFailed(this ILogger logger, Exception exception);

    [LoggerMessage(6, LogLevel.Debug, "A batch of {Count} writes failed on one statement; running them one by one")]
    public static partial void BatchRetriedAlone(this ILogger logger, int count, Exception exception);

    [LoggerMessage(7, LogLevel.Warning, "The job store's connection was lost before a batch of writes committed (try {Attempt}); running the batch again on a new connection")]
    public static partial void WriterReconnecting(this ILogger logger, int attempt, Exception exception);
}
