namespace BackgroundTasks;

/// <summary>
/// Thrown by <see cref="JobContextParallelExtensions.FanOutAsync{TInput, TResult}"/> when a child job did not
/// succeed: it failed (with <see cref="ChildError"/>) or was cancelled by someone other than its parent.
/// The parent job then fails with this exception, whose message repeats the child's error.
/// </summary>
public sealed class ChildJobFailedException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="ChildJobFailedException"/> class.</summary>
    public ChildJobFailedException()
        : this("A child job did not succeed.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ChildJobFailedException"/> class.</summary>
    /// <param name="message">The message.</param>
    public ChildJobFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ChildJobFailedException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ChildJobFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ChildJobFailedException"/> class for a child that did not succeed.</summary>
    /// <param name="childId">The child's id.</param>
    /// <param name="childStatus">The child's terminal status.</param>
    /// <param name="childError">The child's error, if it recorded one.</param>
    public ChildJobFailedException(JobId childId, JobStatus childStatus, JobError? childError)
        : base(childError is null
            ? $"Child job {childId} ended {childStatus}."
            : $"Child job {childId} ended {childStatus}: {childError.Type}: {childError.Message}")
    {
        ChildId = childId;
        ChildStatus = childStatus;
        ChildError = childError;
    }

    /// <summary>Gets the id of the child that did not succeed.</summary>
    public JobId ChildId { get; }

    /// <summary>Gets the child's terminal status: <see cref="JobStatus.Failed"/> or <see cref="JobStatus.Cancelled"/>.</summary>
    public JobStatus ChildStatus { get; }

    /// <summary>Gets the child's error (its exception's type, message and stack trace), if it recorded one.</summary>
    public JobError? ChildError { get; }
}
