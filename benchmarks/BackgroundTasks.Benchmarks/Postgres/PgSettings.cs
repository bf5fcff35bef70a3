using System.Globalization;

namespace BackgroundTasks.Benchmarks.Postgres;

/// <summary>
/// The options of <c>--postgres</c>: <c>jobs=N</c> (Hangfire and Quartz, default 2,000), <c>fast-jobs=N</c>
/// (BackgroundTasks, default 20,000, or <c>jobs</c> when <c>work-ms</c> is set), <c>work-ms=N</c> (each end-to-end
/// job waits N ms without using CPU, default 0: no-op jobs), <c>hosts=N</c> (the several-hosts run, default 3),
/// <c>producers=N</c> (threads that enqueue in each host, default 4), <c>samples=N</c> (latency probes, default 200),
/// <c>pause-ms=N</c> (before each probe, default 10), <c>settle-s=N</c> (from an idle host's start to the idle window,
/// default 12), <c>idle-s=N</c> (the idle window, default 10), <c>no-kill</c> (skip the kill measurement), then
/// contender names (default: all in this build).
/// </summary>
public sealed record PgSettings
{
    /// <summary>Gets how long a host may take to start.</summary>
    public static readonly TimeSpan StartCap = TimeSpan.FromSeconds(60);

    /// <summary>Gets how long the kill measurement waits for a job to run again.</summary>
    public static readonly TimeSpan KillCap = TimeSpan.FromSeconds(60);

    /// <summary>Gets how long one end-to-end run or latency measurement may take.</summary>
    public static readonly TimeSpan RunCap = TimeSpan.FromMinutes(5);

    private readonly int? _fastJobs;

    /// <summary>Gets the jobs Hangfire and Quartz run end to end.</summary>
    public int Jobs { get; init; } = 2_000;

    /// <summary>
    /// Gets the jobs BackgroundTasks runs end to end: as given, else 20,000, or <see cref="Jobs"/> when
    /// <see cref="WorkMilliseconds"/> is set (then every contender is bound by the same worker slots, not by its CPU
    /// cost per job, so the same count takes each about as long).
    /// </summary>
    public int FastJobs
    {
        get => _fastJobs ?? (WorkMilliseconds > 0 ? Jobs : 20_000);
        init => _fastJobs = value;
    }

    /// <summary>Gets how long each end-to-end job waits (without using CPU) before it counts itself; 0 for no-op jobs.</summary>
    public int WorkMilliseconds { get; init; }

    /// <summary>Gets the hosts of the several-hosts run.</summary>
    public int Hosts { get; init; } = 3;

    /// <summary>Gets how many threads enqueue the end-to-end jobs in each host, each one job at a time.</summary>
    public int Producers { get; init; } = 4;

    /// <summary>Gets the latency probes per contender.</summary>
    public int Samples { get; init; } = 200;

    /// <summary>Gets the pause before each latency probe.</summary>
    public int PauseMilliseconds { get; init; } = 10;

    /// <summary>Gets the time from an idle host's start to the start of the idle window.</summary>
    public TimeSpan Settle { get; init; } = TimeSpan.FromSeconds(12);

    /// <summary>Gets the idle window over which the transactions are counted.</summary>
    public TimeSpan IdleWindow { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets whether the kill measurement runs.</summary>
    public bool Kill { get; init; } = true;

    /// <summary>Gets the contenders, in table order.</summary>
    public IReadOnlyList<PgContender> Contenders { get; init; } = PgContenders.Available;

    /// <summary>
    /// Gets the slot-bound ideal of <paramref name="hosts"/> hosts when <see cref="WorkMilliseconds"/> is set: every
    /// worker busy waiting all the time, hosts × workers × 1000 / work-ms jobs/s; NaN for no-op jobs.
    /// </summary>
    public double Ideal(int hosts) => WorkMilliseconds > 0 ? hosts * Environment.ProcessorCount * 1000.0 / WorkMilliseconds : double.NaN;

    /// <summary>Gets the end-to-end jobs for <paramref name="kind"/>.</summary>
    public int JobsFor(PgContender kind) => PgContenders.IsPeer(kind) ? Jobs : FastJobs;

    /// <summary>Parses the arguments after <c>--postgres</c>.</summary>
    /// <exception cref="ArgumentException">An argument is not one of the options or contenders, or names a contender this build lacks.</exception>
    public static PgSettings Parse(IEnumerable<string> args)
    {
        var settings = new PgSettings();
        var contenders = new List<PgContender>();
        foreach (var arg in args)
        {
            var (key, value) = arg.Split('=', 2) is [var k, var v] ? (k, v) : (arg, string.Empty);
            settings = key switch
            {
                "jobs" => settings with { Jobs = Positive(arg, value) },
                "fast-jobs" => settings with { FastJobs = Positive(arg, value) },
                "work-ms" => settings with { WorkMilliseconds = NonNegative(arg, value) },
                "hosts" => settings with { Hosts = Positive(arg, value) },
                "producers" => settings with { Producers = Positive(arg, value) },
                "samples" => settings with { Samples = Positive(arg, value) },
                "pause-ms" => settings with { PauseMilliseconds = Positive(arg, value) },
                "settle-s" => settings with { Settle = TimeSpan.FromSeconds(Positive(arg, value)) },
                "idle-s" => settings with { IdleWindow = TimeSpan.FromSeconds(Positive(arg, value)) },
                "no-kill" => settings with { Kill = false },
                _ when Enum.TryParse<PgContender>(arg, ignoreCase: true, out var kind) => Add(settings, contenders, kind, arg),
                _ => throw new ArgumentException($"Unknown {PgRun.Flag} argument '{arg}': use jobs=N, fast-jobs=N, work-ms=N, hosts=N, producers=N, samples=N, pause-ms=N, settle-s=N, idle-s=N, no-kill, or contender names ({string.Join(", ", PgContenders.Available)}).", nameof(args)),
            };
        }

        return contenders.Count == 0 ? settings : settings with { Contenders = contenders };
    }

    private static PgSettings Add(PgSettings settings, List<PgContender> contenders, PgContender kind, string arg)
    {
        if (!PgContenders.Available.Contains(kind))
        {
            throw new ArgumentException($"{PgRun.Flag} argument '{arg}': {kind} is not in this build (it needs src/BackgroundTasks.PostgreSql in the checkout).", nameof(arg));
        }

        contenders.Add(kind);
        return settings;
    }

    private static int NonNegative(string arg, string value)
        => int.TryParse(value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var number) && number >= 0
            ? number
            : throw new ArgumentException($"{PgRun.Flag} argument '{arg}' needs a whole number of 0 or more after '='.", nameof(arg));

    private static int Positive(string arg, string value)
        => int.TryParse(value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw new ArgumentException($"{PgRun.Flag} argument '{arg}' needs a positive whole number after '='.", nameof(arg));
}
