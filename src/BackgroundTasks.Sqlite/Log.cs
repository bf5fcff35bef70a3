using Microsoft.Extensions.Logging;

namespace BackgroundTasks.Sqlite;

/// <summary>The store's log messages. Event ids never change once shipped.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Warning, "Deleting finished jobs from the job database '{Path}' failed; the next clean-up tries again")]
    public static partial void RetentionFailed(this ILogger logger, string path, Exception exception);

    [LoggerMessage(2, LogLevel.Debug, "Deleted {ByAge} finished jobs by age and {ByCount} by count from the job database '{Path}'")]
    public static partial void RetentionDeleted(this ILogger logger, string path, int byAge, int byCount);
}
