using System.Globalization;
using Cronos;

namespace BackgroundTasks.Recurring;

/// <summary>One schedule: its cron expression and job, and (guarded by the scheduler) where it has got to.</summary>
internal sealed class RecurringSchedule
{
    /// <summary>How long a finished occurrence still holds its key, so that a host that reaches the occurrence late never runs it again.</summary>
    public static readonly TimeSpan OccurrenceWindow = TimeSpan.FromDays(1);

    private const string KeyPrefix = "recurring:";
    private const string KeyTimeFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    private RecurringSchedule(
        string name,
        string cron,
        TimeZoneInfo timeZone,
        RecurringJobOptions options,
        Func<IJobQueue, JobOptions, CancellationToken, ValueTask<JobEnqueueResult>> enqueueUnique,
        Func<IJobQueue, JobOptions, CancellationToken, ValueTask<JobId>> enqueue,
        Type jobType)
    {
        Name = name;
        JobType = jobType;
        Cron = cron;
        Expression = Parse(name, cron);
        TimeZone = timeZone;
        Options = options;
        EnqueueUnique = enqueueUnique;
        Enqueue = enqueue;
    }

    public string Name { get; }

    public string Cron { get; }

    /// <summary>Gets the typed job's class.</summary>
    public Type JobType { get; }

    public CronExpression Expression { get; }

    public TimeZoneInfo TimeZone { get; }

    public RecurringJobOptions Options { get; }

    public Func<IJobQueue, JobOptions, CancellationToken, ValueTask<JobEnqueueResult>> EnqueueUnique { get; }

    public Func<IJobQueue, JobOptions, CancellationToken, ValueTask<JobId>> Enqueue { get; }

    /// <summary>Gets or sets the time up to which occurrences are dealt with (enqueued, skipped or found enqueued).</summary>
    public DateTimeOffset Cursor { get; set; }

    /// <summary>Gets or sets whether <see cref="Cursor"/> is set (the scheduler started, or the schedule was added while it ran).</summary>
    public bool Started { get; set; }

    public DateTimeOffset? LastRun { get; set; }

    /// <summary>Gets or sets the id of the job of the <see cref="LastRun"/> occurrence, when known.</summary>
    public JobId? LastRunJobId { get; set; }

    public bool IsPaused { get; set; }

    /// <summary>Gets the key prefix of this schedule's occurrences.</summary>
    public string KeyPrefixOfSchedule => $"{KeyPrefix}{Name}:";

    public static RecurringSchedule Create<TJob, TArgs>(string name, string cron, TArgs args, TimeZoneInfo? timeZone, RecurringJobOptions? options)
        where TJob : class
    {
        ThrowIfInvalidName(name);
        ArgumentNullException.ThrowIfNull(cron);
        var copy = new RecurringJobOptions { Queue = options?.Queue, Priority = options?.Priority ?? JobPriority.Normal, Misfire = options?.Misfire ?? MisfirePolicy.Skip };
        if (!Enum.IsDefined(copy.Misfire))
        {
            throw new ArgumentException($"RecurringJobOptions.Misfire is {(int)copy.Misfire}: use MisfirePolicy.Skip or MisfirePolicy.RunOnce.", nameof(options));
        }

        return new RecurringSchedule(
            name,
            cron,
            timeZone ?? TimeZoneInfo.Utc,
            copy,
            (queue, jobOptions, ct) => queue.EnqueueUniqueAsync<TJob, TArgs>(args, jobOptions, ct),
            (queue, jobOptions, ct) => queue.EnqueueAsync<TJob, TArgs>(args, jobOptions, ct),
            typeof(TJob));
    }

    /// <summary>The unique key of one occurrence: the schedule's name and the occurrence's time in UTC.</summary>
    public string KeyOf(DateTimeOffset due) => KeyPrefixOfSchedule + due.UtcDateTime.ToString(KeyTimeFormat, CultureInfo.InvariantCulture);

    /// <summary>Reads the occurrence time back from a key of this schedule; <see langword="null"/> for any other key.</summary>
    public DateTimeOffset? OccurrenceOf(string? key)
        => key is not null && key.StartsWith(KeyPrefixOfSchedule, StringComparison.Ordinal)
            && DateTimeOffset.TryParseExact(key.AsSpan(KeyPrefixOfSchedule.Length), KeyTimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var due)
            ? due
            : null;

    /// <summary>The next occurrence after <paramref name="from"/>.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset from) => Expression.GetNextOccurrence(from, TimeZone);

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
        Queue = Options.Queue,
        Priority = Options.Priority,
        UniqueKey = due is { } time ? KeyOf(time) : null,
        UniqueFor = due is null ? TimeSpan.Zero : OccurrenceWindow,
    };

    private static void ThrowIfInvalidName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length is < 1 or > 100 || !name.All(static c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new ArgumentException($"The recurring job name '{name}' is invalid: use 1 to 100 characters, each an ASCII letter or digit, '-', '_' or '.' (it is part of every occurrence's unique key).", nameof(name));
        }
    }

    private static CronExpression Parse(string name, string cron)
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
