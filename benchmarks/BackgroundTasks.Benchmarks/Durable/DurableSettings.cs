using System.Globalization;

namespace BackgroundTasks.Benchmarks.Durable;

/// <summary>
/// The options of <c>--durable</c>: <c>jobs=N</c> (Hangfire and Quartz, default 2,000), <c>fast-jobs=N</c> (the
/// ceilings and BackgroundTasks, default 100,000), <c>samples=N</c> (latency probes, default 200),
/// <c>pause-ms=N</c> (between probes, default 10), <c>producers=N</c> (threads that enqueue, default 4),
/// <c>workers=N</c> (each job system's workers, default <see cref="DefaultWorkers"/>),
/// <c>no-kill</c> (skip the kill measurements), <c>lease-ms=N</c> (BackgroundTasks' lease in the kill
/// measurements; default: the store's), then contender names (default: all).
/// </summary>
public sealed record DurableSettings
{
    /// <summary>
    /// The workers every job system runs with unless <c>workers=N</c> says otherwise: Hangfire's own default on a
    /// two-core machine (five per core, at most 20) and the size of Quartz.NET's default thread pool. A durable job
    /// mostly waits (mail, reports, calls), so these libraries run more workers than cores; BackgroundTasks' default
    /// of one worker per core suits jobs that compute, and it is set to the same count here.
    /// </summary>
    public const int DefaultWorkers = 10;

    /// <summary>Gets how long the kill measurement waits for a job to run again.</summary>
    public static readonly TimeSpan KillCap = TimeSpan.FromSeconds(60);

    /// <summary>Gets the jobs Hangfire and Quartz run end to end.</summary>
    public int Jobs { get; init; } = 2_000;

    /// <summary>Gets the jobs the ceilings and BackgroundTasks run end to end.</summary>
    public int FastJobs { get; init; } = 100_000;

    /// <summary>Gets the latency probes per contender.</summary>
    public int Samples { get; init; } = 200;

    /// <summary>Gets the pause before each latency probe.</summary>
    public int PauseMilliseconds { get; init; } = 10;

    /// <summary>Gets how many threads enqueue the end-to-end jobs, each one job at a time.</summary>
    public int Producers { get; init; } = 4;

    /// <summary>Gets how many workers each job system runs (Hangfire's workers, Quartz's threads, BackgroundTasks' workers on its queue).</summary>
    public int Workers { get; init; } = DefaultWorkers;

    /// <summary>Gets whether the kill measurements run.</summary>
    public bool Kill { get; init; } = true;

    /// <summary>Gets the BackgroundTasks store's lease in the kill measurements, or null for its default.</summary>
    public TimeSpan? Lease { get; init; }

    /// <summary>Gets the contenders, in table order.</summary>
    public IReadOnlyList<DurableContender> Contenders { get; init; } = Enum.GetValues<DurableContender>();

    /// <summary>Gets the end-to-end jobs for <paramref name="kind"/>.</summary>
    public int JobsFor(DurableContender kind) => kind is DurableContender.Hangfire or DurableContender.Quartz ? Jobs : FastJobs;

    /// <summary>Parses the arguments after <c>--durable</c>.</summary>
    /// <exception cref="ArgumentException">An argument is not one of the options or contenders.</exception>
    public static DurableSettings Parse(IEnumerable<string> args)
    {
        var settings = new DurableSettings();
        var contenders = new List<DurableContender>();
        foreach (var arg in args)
        {
            var (key, value) = arg.Split('=', 2) is [var k, var v] ? (k, v) : (arg, string.Empty);
            settings = key switch
            {
                "jobs" => settings with { Jobs = Positive(arg, value) },
                "fast-jobs" => settings with { FastJobs = Positive(arg, value) },
                "samples" => settings with { Samples = Positive(arg, value) },
                "pause-ms" => settings with { PauseMilliseconds = Positive(arg, value) },
                "producers" => settings with { Producers = Positive(arg, value) },
                "workers" => settings with { Workers = Positive(arg, value) },
                "no-kill" => settings with { Kill = false },
                "lease-ms" => settings with { Lease = TimeSpan.FromMilliseconds(Positive(arg, value)) },
                _ when Enum.TryParse<DurableContender>(arg, ignoreCase: true, out var kind) => Add(settings, contenders, kind),
                _ => throw new ArgumentException($"Unknown --durable argument '{arg}': use jobs=N, fast-jobs=N, samples=N, pause-ms=N, producers=N, workers=N, no-kill, lease-ms=N, or contender names ({string.Join(", ", Enum.GetNames<DurableContender>())}).", nameof(args)),
            };
        }

        return contenders.Count == 0 ? settings : settings with { Contenders = contenders };
    }

    private static DurableSettings Add(DurableSettings settings, List<DurableContender> contenders, DurableContender kind)
    {
        contenders.Add(kind);
        return settings;
    }

    private static int Positive(string arg, string value)
        => int.TryParse(value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw new ArgumentException($"--durable argument '{arg}' needs a positive whole number after '='.", nameof(arg));
}
