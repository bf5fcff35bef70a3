using System.Globalization;

namespace BackgroundTasks.Dashboard;

/// <summary>How values read on the pages: UTC times to the second, short relative times and durations.</summary>
internal static class Display
{
    /// <summary>A job id's short label: the digits that differ between jobs made close together (the id's low time bits and its sequence).</summary>
    public static string ShortId(JobId id) => id.ToString()[8..16];

    public static string Time(DateTimeOffset? time)
        => time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "—";

    public static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    /// <summary>"12 s ago", "in 3 min".</summary>
    public static string Relative(DateTimeOffset time, DateTimeOffset now)
    {
        var delta = time - now;
        return delta >= TimeSpan.Zero ? $"in {Duration(delta)}" : $"{Duration(-delta)} ago";
    }

    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }

        return span.TotalSeconds switch
        {
            < 1 => string.Create(CultureInfo.InvariantCulture, $"{span.TotalMilliseconds:0} ms"),
            < 60 => string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.#} s"),
            < 3600 => string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes} min {span.Seconds} s"),
            < 86_400 => string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours} h {span.Minutes} min"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalDays} d {span.Hours} h"),
        };
    }

    public static string Count(int count) => count.ToString("N0", CultureInfo.InvariantCulture);

    public static string Percent(double percent) => percent.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>The CSS class of a status badge.</summary>
    public static string StatusClass(JobStatus status) => status switch
    {
        JobStatus.Scheduled => "s-scheduled",
        JobStatus.Queued => "s-queued",
        JobStatus.Running => "s-running",
        JobStatus.Retrying => "s-retrying",
        JobStatus.Succeeded => "s-succeeded",
        JobStatus.Failed => "s-failed",
        _ => "s-cancelled",
    };

    /// <summary>How long a job ran (finished or still running), or waited before its latest attempt started.</summary>
    public static string? RunTime(JobRecord job, DateTimeOffset now)
        => job.StartedAt is not { } started ? null
            : job.FinishedAt is { } finished ? Duration(finished - started)
            : job.Status == JobStatus.Running ? Duration(now - started)
            : null;

    /// <summary>Cuts a long text (an error message in a table cell) to <paramref name="max"/> characters.</summary>
    public static string Cut(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
}
