using Microsoft.Extensions.Logging;

namespace BackgroundTasks;

/// <summary>The library's log messages. Event ids never change once shipped.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "Job {JobId} ({JobName}) accepted into queue {Queue}")]
    public static partial void JobAccepted(this ILogger logger, JobId jobId, string? jobName, string queue);

    [LoggerMessage(2, LogLevel.Debug, "Job {JobId} succeeded on attempt {Attempt}")]
    public static partial void JobSucceeded(this ILogger logger, JobId jobId, int attempt);

    [LoggerMessage(3, LogLevel.Warning, "Job {JobId} failed on attempt {Attempt} of {MaxAttempts}")]
    public static partial void JobFailed(this ILogger logger, Exception exception, JobId jobId, int attempt, int maxAttempts);

    [LoggerMessage(4, LogLevel.Information, "Job {JobId} will retry in {Delay}, after attempt {Attempt}")]
    public static partial void JobRetrying(this ILogger logger, JobId jobId, int attempt, TimeSpan delay);

    [LoggerMessage(5, LogLevel.Warning, "Job {JobId} timed out after {Timeout} on attempt {Attempt}")]
    public static partial void JobTimedOut(this ILogger logger, JobId jobId, int attempt, TimeSpan timeout);

    [LoggerMessage(6, LogLevel.Information, "Job {JobId} was cancelled")]
    public static partial void JobCancelled(this ILogger logger, JobId jobId);

    [LoggerMessage(7, LogLevel.Debug, "Cancellation of job {JobId} requested (running: {Running})")]
    public static partial void CancelRequested(this ILogger logger, JobId jobId, bool running);

    [LoggerMessage(8, LogLevel.Error, "The job store failed in {Operation} for job {JobId}; the job goes on")]
    public static partial void StoreFailed(this ILogger logger, Exception exception, string operation, JobId jobId);

    [LoggerMessage(9, LogLevel.Warning, "The job store refused to move job {JobId} to {Status}")]
    public static partial void TransitionRefused(this ILogger logger, JobId jobId, JobStatus status);

    [LoggerMessage(10, LogLevel.Warning, "Disposing the DI scope of job {JobId} failed")]
    public static partial void ScopeDisposeFailed(this ILogger logger, Exception exception, JobId jobId);

    [LoggerMessage(11, LogLevel.Information, "Background jobs stopping: {Running} running, {Queued} queued, shutdown mode {Mode}")]
    public static partial void Stopping(this ILogger logger, int running, int queued, ShutdownMode mode);

    [LoggerMessage(12, LogLevel.Warning, "Drain timeout of {DrainTimeout} passed; cancelling running jobs")]
    public static partial void DrainTimedOut(this ILogger logger, TimeSpan drainTimeout);

    [LoggerMessage(13, LogLevel.Warning, "The host's shutdown timeout ended with {Count} jobs still running; they are recorded cancelled and left behind")]
    public static partial void JobsAbandoned(this ILogger logger, int count);

    [LoggerMessage(14, LogLevel.Information, "Background jobs stopped")]
    public static partial void Stopped(this ILogger logger);

    [LoggerMessage(16, LogLevel.Warning, "The job store failed in {Operation} for job {JobId} (try {Attempt}); trying again")]
    public static partial void StoreWriteRetried(this ILogger logger, Exception exception, string operation, JobId jobId, int attempt);

    [LoggerMessage(15, LogLevel.Critical, "A worker of queue {Queue} failed unexpectedly; it restarts")]
    public static partial void WorkerFailed(this ILogger logger, Exception exception, string queue);

    [LoggerMessage(17, LogLevel.Error, "Claiming jobs of queue {Queue} from the durable store failed; trying again after the poll interval")]
    public static partial void ClaimFailed(this ILogger logger, Exception exception, string queue);

    [LoggerMessage(18, LogLevel.Warning, "Recovered {Count} jobs from the durable store whose host stopped ({Host})")]
    public static partial void JobsRecovered(this ILogger logger, int count, string host);

    [LoggerMessage(19, LogLevel.Warning, "Job {JobId} was recovered by another host after this host's lease on it lapsed; its token fires")]
    public static partial void ClaimLost(this ILogger logger, JobId jobId);

    [LoggerMessage(40, LogLevel.Error, "State observer {Observer} threw on job {JobId} becoming {Status}; the job goes on")]
    public static partial void StateObserverFailed(this ILogger logger, Exception exception, string observer, JobId jobId, JobStatus status);

    [LoggerMessage(41, LogLevel.Error, "The rate limiter of queue {Queue} failed; the job waits and asks again")]
    public static partial void RateLimiterFailed(this ILogger logger, Exception exception, string queue);
}
