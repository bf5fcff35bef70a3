namespace BackgroundTasks.Tests.Store;

/// <summary>
/// The conformance checks the in-memory store does not pass yet: it does not keep <see cref="JobRecord.Arguments"/>
/// and <see cref="JobRecord.CancelReason"/>. Stores built on it skip them until it does; then delete this class.
/// </summary>
internal static class InMemoryConformance
{
    public static readonly IReadOnlyList<string> PendingChecks = ["ArgumentsAreKept", "CancelledKeepsCancelReason"];

    /// <summary>Options that skip <see cref="PendingChecks"/>, plus <paramref name="alsoSkip"/>.</summary>
    public static JobStoreConformanceOptions Options(params string[] alsoSkip)
    {
        var options = new JobStoreConformanceOptions();
        foreach (var name in PendingChecks.Concat(alsoSkip))
        {
            options.SkippedChecks.Add(name);
        }

        return options;
    }

    /// <summary>The checks a store built on the in-memory store must pass.</summary>
    public static IEnumerable<JobStoreCheckResult> Expected(JobStoreConformanceReport report)
        => report.Checks.Where(static c => !PendingChecks.Contains(c.Name));
}
