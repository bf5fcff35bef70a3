using System.Diagnostics;

namespace BackgroundTasks;

/// <summary>The library's tracing: one <c>backgroundtasks.job</c> activity per attempt.</summary>
internal static class JobActivities
{
    /// <summary>The <see cref="ActivitySource"/> named <c>BackgroundTasks</c>.</summary>
    public static readonly ActivitySource Source = new(JobMetrics.Name);
}
