namespace BackgroundTasks.Recurring;

/// <summary>
/// A recurring job as code gives it (<c>AddRecurringJob</c>, <see cref="IRecurringJobs.AddOrUpdateAsync{TJob, TArgs}"/>):
/// checked at once, and turned into the store's record once the job registry is known.
/// </summary>
internal sealed class RecurringJobDefinition
{
    private readonly Func<JobEngine, (string JobName, string Arguments)> _serialize;

    private RecurringJobDefinition(string name, string cron, TimeZoneInfo timeZone, RecurringJobOptions options, Type jobType, Func<JobEngine, (string, string)> serialize)
    {
        Name = name;
        Cron = cron;
        TimeZone = timeZone;
        Options = options;
        JobType = jobType;
        _serialize = serialize;
    }

    public string Name { get; }

    public string Cron { get; }

    public TimeZoneInfo TimeZone { get; }

    public RecurringJobOptions Options { get; }

    /// <summary>Gets the typed job's class.</summary>
    public Type JobType { get; }

    /// <exception cref="ArgumentException">The name, the cron expression or the misfire policy is invalid; the message says why.</exception>
    public static RecurringJobDefinition Create<TJob, TArgs>(string name, string cron, TArgs args, TimeZoneInfo? timeZone, RecurringJobOptions? options)
        where TJob : class
    {
        RecurringSchedule.ThrowIfInvalidName(name);
        ArgumentNullException.ThrowIfNull(cron);
        RecurringSchedule.Parse(name, cron);
        var copy = new RecurringJobOptions { Queue = options?.Queue, Priority = options?.Priority ?? JobPriority.Normal, Misfire = options?.Misfire ?? MisfirePolicy.Skip };
        if (!Enum.IsDefined(copy.Misfire))
        {
            throw new ArgumentException($"RecurringJobOptions.Misfire is {(int)copy.Misfire}: use MisfirePolicy.Skip or MisfirePolicy.RunOnce.", nameof(options));
        }

        return new RecurringJobDefinition(name, cron, timeZone ?? TimeZoneInfo.Utc, copy, typeof(TJob), engine => engine.SerializeTyped<TJob, TArgs>(args));
    }

    /// <summary>Makes the store's record: the job by its registered name, the arguments serialized.</summary>
    /// <exception cref="InvalidOperationException">The job's class is not registered with <c>AddJob</c>.</exception>
    public RecurringJobRecord ToRecord(JobEngine engine)
    {
        var (jobName, arguments) = _serialize(engine);
        return new RecurringJobRecord
        {
            Name = Name,
            JobName = jobName,
            Cron = Cron,
            TimeZoneId = TimeZone.Id,
            Arguments = arguments,
            Queue = Options.Queue,
            Priority = Options.Priority,
            Misfire = Options.Misfire,
        };
    }
}
