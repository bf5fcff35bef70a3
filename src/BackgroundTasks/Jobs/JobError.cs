namespace BackgroundTasks;

/// <summary>What went wrong in a job's attempt: the exception's type, message and stack trace, kept as text.</summary>
public sealed record JobError
{
    /// <summary>Initializes a new instance of the <see cref="JobError"/> class.</summary>
    /// <param name="type">The exception's full type name.</param>
    /// <param name="message">The exception's message.</param>
    /// <param name="stackTrace">The exception's text form, with inner exceptions and stack traces.</param>
    /// <param name="timedOut">Whether the attempt was stopped by its timeout.</param>
    public JobError(string type, string message, string? stackTrace, bool timedOut = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentNullException.ThrowIfNull(message);
        Type = type;
        Message = message;
        StackTrace = stackTrace;
        TimedOut = timedOut;
    }

    /// <summary>Gets the exception's full type name, for example <c>System.InvalidOperationException</c>.</summary>
    public string Type { get; }

    /// <summary>Gets the exception's message.</summary>
    public string Message { get; }

    /// <summary>Gets the exception's full text (type, message, inner exceptions and stack traces), if any.</summary>
    public string? StackTrace { get; }

    /// <summary>Gets a value indicating whether the attempt was stopped because it ran past its timeout.</summary>
    public bool TimedOut { get; }

    /// <summary>Captures an exception.</summary>
    /// <param name="exception">The exception.</param>
    /// <returns>The error.</returns>
    public static JobError FromException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new JobError(exception.GetType().FullName ?? exception.GetType().Name, exception.Message, exception.ToString(), exception is TimeoutException);
    }
}
