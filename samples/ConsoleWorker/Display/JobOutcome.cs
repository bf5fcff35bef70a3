using System.Globalization;
using BackgroundTasks;

namespace ConsoleWorker.Display;

/// <summary>
/// A job's last record, and what a shutdown did to it: "drained" or "cancelled" when it ended during the shutdown,
/// "left" when it had not ended and waits in the file for the next run; null when no shutdown happened while it ran.
/// </summary>
internal sealed record JobOutcome(JobRecord Record, string? AtShutdown)
{
    public string Label { get; } = JobLabel.Of(Record);

    public TimeSpan Duration => (Record.FinishedAt ?? Record.EnqueuedAt) - Record.EnqueuedAt;

    /// <summary>The job's result, or why it did not succeed.</summary>
    public string Detail => Record switch
    {
        { Status: var status, Attempt: 0 } when !status.IsTerminal() => "not started: waits in the file for the next run",
        { Status: var status } when !status.IsTerminal() => $"waits in the file after attempt {Record.Attempt} for the next run",
        { Status: JobStatus.Succeeded, Attempt: > 1 } => $"{Record.Result} (on attempt {Record.Attempt} of {Record.MaxAttempts})",
        { Status: JobStatus.Succeeded } => Record.Result?.ToString() ?? "",

        // A record keeps the last error of an earlier attempt: a cancellation by id says only where it stopped.
        { Status: JobStatus.Cancelled, CancelReason: JobCancelReason.Requested } => string.Create(CultureInfo.InvariantCulture, $"cancelled at {Record.Progress.Percent:0}%"),
        { Error: { } error } => error.Message,
        { Status: JobStatus.Cancelled } => string.Create(CultureInfo.InvariantCulture, $"cancelled at {Record.Progress.Percent:0}%"),
        _ => "",
    };

    public static string FormatDuration(TimeSpan duration)
        => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0.0} s");
}
