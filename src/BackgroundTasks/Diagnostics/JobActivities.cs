using System.Diagnostics;

namespace BackgroundTasks;

/// <summary>
/// The library's tracing: one <c>backgroundtasks.job</c> activity per attempt. A job carries the trace context
/// of the code that enqueued it (<see cref="JobRecord.TraceParent"/>, <see cref="JobRecord.TraceState"/>), and
/// each attempt's activity is a child of that context, so a request and the jobs it started are one trace.
/// </summary>
/// <remarks>
/// One rule, whatever the delay: the enqueuing activity is the parent, never only a link. A job is work the
/// request asked for, and a parent keeps it in the request's trace where every tracing back end shows it; a
/// link alone would start a new trace that most back ends show apart. A delayed or retried job thus widens
/// its trace by its delay, which back ends handle.
/// </remarks>
internal static class JobActivities
{
    /// <summary>The <see cref="ActivitySource"/> named <c>BackgroundTasks</c>.</summary>
    public static readonly ActivitySource Source = new(JobMetrics.Name);

    /// <summary>Gets the activity whose trace context a job enqueued now carries: the current one, when it has a W3C id.</summary>
    /// <returns>The activity, or <see langword="null"/> (reading <see cref="Activity.Current"/> allocates nothing).</returns>
    public static Activity? Enqueuing() => Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current : null;

    /// <summary>Starts the activity of a job's attempt: a child of the enqueuing code's trace context when the job carries a valid one, else of the current activity.</summary>
    public static Activity? StartAttempt(JobSettings settings)
        => settings.TraceParent is { } traceParent && ActivityContext.TryParse(traceParent, settings.TraceState, isRemote: true, out var parent)
            ? Source.StartActivity("backgroundtasks.job", ActivityKind.Internal, parent)
            : Source.StartActivity("backgroundtasks.job", ActivityKind.Internal);
}
