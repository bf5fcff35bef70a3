using System.Globalization;

namespace BackgroundTasks.Benchmarks.Postgres;

/// <summary>
/// A command the parent writes to a <see cref="PgHost"/>: <c>run N</c> (enqueue N no-op jobs from the host's producer threads), <c>probe N PAUSE-MS</c> (measure the
/// enqueue-to-start latency of N probes), <c>until-killed</c> (enqueue the job that runs until the process is killed) and
/// <c>stop</c>.
/// </summary>
/// <param name="Verb">The command.</param>
/// <param name="Count">The jobs or probes.</param>
/// <param name="Milliseconds">The pause before each probe.</param>
public sealed record PgHostCommand(string Verb, int Count, int Milliseconds)
{
    /// <summary>Enqueue no-op jobs from the producer threads.</summary>
    public const string Run = "run";

    /// <summary>Measure the latency.</summary>
    public const string Probe = "probe";

    /// <summary>Enqueue the recovery job.</summary>
    public const string UntilKilled = "until-killed";

    /// <summary>Stop the contender and exit.</summary>
    public const string Stop = "stop";

    /// <summary>Parses one line.</summary>
    /// <exception cref="ArgumentException">The line is not a command.</exception>
    public static PgHostCommand Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        return line.Split(' ', StringSplitOptions.RemoveEmptyEntries) switch
        {
            [Run, var n] => new PgHostCommand(Run, Number(n), 0),
            [Probe, var n, var ms] => new PgHostCommand(Probe, Number(n), Number(ms)),
            [UntilKilled] => new PgHostCommand(UntilKilled, 0, 0),
            [Stop] => new PgHostCommand(Stop, 0, 0),
            _ => throw new ArgumentException($"Unknown {PgHost.Flag} command '{line}': use run N, probe N PAUSE-MS, until-killed or stop.", nameof(line)),
        };
    }

    private static int Number(string text) => int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
}
