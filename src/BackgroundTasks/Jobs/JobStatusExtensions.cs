namespace BackgroundTasks;

/// <summary>Helpers for <see cref="JobStatus"/>.</summary>
public static class JobStatusExtensions
{
    /// <summary>Tells whether a status is final: succeeded, failed or cancelled.</summary>
    /// <param name="status">The status.</param>
    /// <returns><see langword="true"/> for <see cref="JobStatus.Succeeded"/>, <see cref="JobStatus.Failed"/> and <see cref="JobStatus.Cancelled"/>.</returns>
    public static bool IsTerminal(this JobStatus status) => status >= JobStatus.Succeeded;
}
