using System.Globalization;
using Cronos;

namespace BackgroundTasks.Recurring;

/// <summary>
/// One recurring job as the scheduler runs it: its record (as the store keeps it), its parsed expression and time zone,
/// and (guarded by the scheduler) where it has got to.
/// </summary>
internal sealed class RecurringSchedule
{
    /// <summary>How long a finished occurrence still holds its key, so that a host that reaches the occurrence late never runs it again.</summary>
    public static readonly TimeSpan OccurrenceWindow = TimeSpan.FromDays(1);

    private const string KeyPrefix = "recurring:";
    private const string KeyTimeFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    /// <summary>Initializes a new instance of the <see cref="RecurringSchedule"/> class; a record this host cannot read or run is kept, with <see cref="Problem"/> saying why.</summary>
    public RecurringSchedule(RecurringJobRecord record, bool jobRegistered)
    {
        Record = record;
        IsPaused = record.IsPaused;
        (LastRun, LastRunJobId) = (record.LastRun, record.LastRunJobId);
        try
        {
            Expression = Parse(record.Name, record.Cron);
        }
        catch (ArgumentException exception)
        {
            Problem = exception.Message;
        }

        if (TimeZoneInfo.TryFindSystemTimeZoneById(record.TimeZoneId, out var timeZone))
        {
            TimeZone = timeZone;
        }
        else
        {
            Problem ??= $"its time zone '{record.TimeZoneId}' is unknown on this host";
        }

        if (!jobRegistered)
        {
            Problem ??= $"its job '{record.JobName}' is not registered on this host (AddJob)";
        }
    }

    public RecurringJobRecord Record { get; }

    public string Name => Record.Name;

    /// <summary>Gets why this host does not run the schedule, or <see langword="null"/> when it does.</summary>
    public string? Problem { get; }

    public bool CanRun => Problem is null;

    public CronExpression? Expression { get; }

    public TimeZoneInfo? TimeZone { get; }

    /// <summary>Gets or sets the time up to which occurrences are dealt with (enqueued, skipped or found enqueued).</summary>
    public DateTimeOffset Cursor { get; set; }

    /// <summary>Gets or sets whether <see cref="Cursor"/> is set (the scheduler started, or the schedule was added while it ran).</summary>
    public bool Started { get; set; }

    public DateTimeOffset? LastRun { get; set; }

    /// <summary>Gets or sets the id of the job of the <see cref="LastRun"/> occurrence, when known.</summary>
    public JobId? LastRunJobId { get; set; }

    public bool IsPaused { get; set; }

    /// <summary>Gets a value indicating whether the scheduler enqueues its occurrences now.</summary>
    public bool IsActive => CanRun && !IsPaused;

    /// <summary>Gets the key prefix of this schedule's occurrences.</summary>
    public string KeyPrefixOfSchedule => $"{KeyPrefix}{Name}:";

    /// <summary>Tells whether <paramref name="other"/> has the same schedule and job (pause and last run aside).</summary>
    public bool SameDefinition(RecurringJobRecord other)
        => Record with { IsPaused = false, LastRun = null, LastRunJobId = null } == other with { IsPaused = false, LastRun = null, LastRunJobId = null };

    /// <summary>The unique key of one occurrence: the schedule's name and the occurrence's time in UTC.</summary>
    public string KeyOf(DateTimeOffset due) => KeyPrefixOfSchedule + due.UtcDateTime.ToString(KeyTimeFormat, CultureInfo.InvariantCulture);

    /// <summary>Reads the occurrence time back from a key of this schedule; <see langword="null"/> for any other key.</summary>
    public DateTimeOffset? OccurrenceOf(string? key) =>
        key is not null
        && key.StartsWith(KeyPrefixOfSchedule, StringComparison.Ordinal)
        && DateTimeOffset.TryParseExact(key.AsSpan(KeyPrefixOfSchedule.Length), KeyTimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var due)
            ? due
            : null;

    /// <summary>The next occurrence after <paramref name="from"/>; none when this host cannot run the schedule.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset from) => Expression is { } expression && TimeZone is { } zone ? expression.GetNextOccurrence(from, zone) : null;

    /// <summary>The latest occurrence after <see cref="Cursor"/> and at or before <paramref name="now"/>, if any, and how many there are.</summary>
    public (DateTimeOffset? Latest, int Count) DueAt(DateTimeOffset now)
    {
        DateTimeOffset? latest = null;
        var count = 0;
        for (var next = NextAfter(Cursor); next is { } due && due <= now; next = NextAfter(due))
        {
            latest = due;
            count++;
        }

        return (latest, count);
    }

    public JobOptions JobOptionsFor(DateTimeOffset? due) => new()
    {
        Queue = Record.Queue,
        Priority = Record.Priority,
        UniqueKey = due is { } time ? KeyOf(time) : null,
        UniqueFor = due is null ? TimeSpan.Zero : OccurrenceWindow,
    };

    public RecurringJobInfo ToInfo(DateTimeOffset now) => new(
        Name,
        Record.JobName,
        Record.Cron,
        Record.TimeZoneId,
        Record.Queue,
        Record.Misfire,
        IsPaused,
        IsActive ? NextAfter(Started ? Cursor : now) : null,
        LastRun,
        LastRunJobId,
        CanRun);

    /// <exception cref="ArgumentException">The name is invalid; the message says what to use.</exception>
    public static void ThrowIfInvalidName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length is < 1 or > 100 || !name.All(static c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new ArgumentException($"The recurring job name '{name}' is invalid: use 1 to 100 characters, each an ASCII letter or digit, '-', '_' or '.' (it is part of every occurrence's unique key).", nameof(name));
        }
    }

    /// <exception cref="ArgumentException">The expression is invalid; the message says what to use.</exception>
    public static CronExpression Parse(string name, string cron)
    {
        var fields = cron.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Length;
        try
        {
            return CronExpression.Parse(cron, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        }
        catch (CronFormatException exception)
        {
            throw new ArgumentException(
                $"The cron expression '{cron}' of recurring job '{name}' is invalid: {exception.Message} Use five fields (minute hour day-of-month month day-of-week, such as \"0 3 * * *\") or six with seconds first.",
                nameof(cron),
                exception);
        }
    }
}
