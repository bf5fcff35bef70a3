using System.Globalization;

namespace BackgroundTasks.Benchmarks.Durable;

/// <summary>
/// The options of a <see cref="DurableHost"/> after its contender and file: <c>enqueue</c> (enqueue the recovery
/// job), <c>host=NAME</c> (BackgroundTasks' <see cref="BackgroundJobsOptions.HostName"/>) and <c>lease-ms=N</c>
/// (the BackgroundTasks store's lease). The peers ignore the host name and the lease.
/// </summary>
public sealed record DurableHostSettings
{
    /// <summary>Gets whether the host enqueues the recovery job once it has started.</summary>
    public bool Enqueue { get; init; }

    /// <summary>Gets the host name, or null for the contender's default.</summary>
    public string? HostName { get; init; }

    /// <summary>Gets the lease, or null for the store's default.</summary>
    public TimeSpan? LeaseDuration { get; init; }

    /// <summary>Parses the arguments that <see cref="ToArgs"/> wrote.</summary>
    /// <exception cref="ArgumentException">An argument is not one of the options.</exception>
    public static DurableHostSettings Parse(IEnumerable<string> args)
    {
        var settings = new DurableHostSettings();
        foreach (var arg in args)
        {
            settings = arg.Split('=', 2) switch
            {
                ["enqueue"] => settings with { Enqueue = true },
                ["host", var name] when name.Length > 0 => settings with { HostName = name },
                ["lease-ms", var ms] when int.TryParse(ms, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
                    => settings with { LeaseDuration = TimeSpan.FromMilliseconds(value) },
                _ => throw new ArgumentException($"Unknown {DurableHost.Flag} argument '{arg}': use enqueue, host=NAME or lease-ms=N.", nameof(args)),
            };
        }

        return settings;
    }

    /// <summary>Writes the options as <see cref="Parse"/> reads them.</summary>
    public IEnumerable<string> ToArgs()
    {
        if (Enqueue)
        {
            yield return "enqueue";
        }

        if (HostName is not null)
        {
            yield return "host=" + HostName;
        }

        if (LeaseDuration is { } lease)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"lease-ms={(long)lease.TotalMilliseconds}");
        }
    }
}
