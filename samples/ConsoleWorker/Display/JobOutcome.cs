using System.Globalization;
using BackgroundTasks;

namespace ConsoleWorker.Display;

/// <summary>A job's final record, and what a shutdown did to it (null when the job ended before any shutdown).</summary>
internal sealed record JobOutcome(JobRecord Record, string? AtShutdown)
{
    public TimeSpan Duration => (Record.FinishedAt ?? Record.EnqueuedAt) - Record.EnqueuedAt;

    /// <summary>The job's result, or why it did not succeed.</summary>
    public string Detail => Record switch
    {
        { Status: JobStatus.Succeeded, Attempt: > 1 } => $"{Record.Result} (after {Record.Attempt - 1} failed attempt(s))",
        { Status: JobStatus.Succeeded } => Record.Result?.ToString() ?? "",
        { Error: { } error } => error.Message,
        { Status: JobStatus.Cancelled } => string.Create(CultureInfo.InvariantCulture, $"cancelled at {Record.Progress.Percent:0}%"),
        _ => "",
    };

    public static string FormatDuration(TimeSpan duration)
        => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0.0} s");
}
