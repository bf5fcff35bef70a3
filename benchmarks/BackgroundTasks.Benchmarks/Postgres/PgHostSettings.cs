using System.Globalization;

namespace BackgroundTasks.Benchmarks.Postgres;

/// <summary>
/// The options of a <see cref="PgHost"/> after its contender and connection string: <c>host=NAME</c>
/// (BackgroundTasks' <see cref="BackgroundJobsOptions.HostName"/>; the peers name their hosts themselves),
/// <c>producers=N</c> (threads that enqueue a <c>run</c> command's jobs) and <c>work-ms=N</c> (each no-op job's wait,
/// <see cref="PgJobBodies.WorkMilliseconds"/>; default 0).
/// </summary>
public sealed record PgHostSettings
{
    /// <summary>Gets the host name, or null for the contender's default.</summary>
    public string? HostName { get; init; }

    /// <summary>Gets the threads that enqueue a <c>run</c> command's jobs.</summary>
    public int Producers { get; init; } = 1;

    /// <summary>Gets how long each no-op job waits before it counts itself; 0 for no wait.</summary>
    public int WorkMilliseconds { get; init; }

    /// <summary>Parses the arguments that <see cref="ToArgs"/> wrote.</summary>
    /// <exception cref="ArgumentException">An argument is not one of the options.</exception>
    public static PgHostSettings Parse(IEnumerable<string> args)
    {
        var settings = new PgHostSettings();
        foreach (var arg in args)
        {
            settings = arg.Split('=', 2) switch
            {
                ["host", var name] when name.Length > 0 => settings with { HostName = name },
                ["producers", var n] when int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
                    => settings with { Producers = value },
                ["work-ms", var n] when int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
                    => settings with { WorkMilliseconds = value },
                _ => throw new ArgumentException($"Unknown {PgHost.Flag} argument '{arg}': use host=NAME, producers=N or work-ms=N.", nameof(args)),
            };
        }

        return settings;
    }

    /// <summary>Writes the options as <see cref="Parse"/> reads them.</summary>
    public IEnumerable<string> ToArgs()
    {
        if (HostName is not null)
        {
            yield return "host=" + HostName;
        }

        yield return string.Create(CultureInfo.InvariantCulture, $"producers={Producers}");
        if (WorkMilliseconds > 0)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"work-ms={WorkMilliseconds}");
        }
    }
}
