namespace BackgroundTasks.Testing;

/// <summary>Thrown by <see cref="JobStoreConformanceReport.ThrowIfFailed"/> when a store broke the <see cref="IJobStore"/> contract; the message lists every violation.</summary>
public sealed class JobStoreConformanceException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="JobStoreConformanceException"/> class.</summary>
    public JobStoreConformanceException()
        : base("The job store does not conform to the IJobStore contract.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="JobStoreConformanceException"/> class.</summary>
    /// <param name="message">The message.</param>
    public JobStoreConformanceException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="JobStoreConformanceException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public JobStoreConformanceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="JobStoreConformanceException"/> class for a failed verification.</summary>
    /// <param name="report">The report; its failed checks make the message.</param>
    /// <exception cref="ArgumentNullException"><paramref name="report"/> is <see langword="null"/>.</exception>
    public JobStoreConformanceException(JobStoreConformanceReport report)
        : base(CreateMessage(report))
    {
        Report = report;
    }

    /// <summary>Gets the report of the verification that failed, when the exception came from one.</summary>
    public JobStoreConformanceReport? Report { get; }

    private static string CreateMessage(JobStoreConformanceReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return report.ToString(includePassed: false);
    }
}
