using System.Globalization;

namespace BackgroundTasks.Sqlite.TestHost;

/// <summary>What the command line asks the test host to do.</summary>
internal sealed class HostSettings
{
    public const string Usage = """
        usage: BackgroundTasks.Sqlite.TestHost (enqueue <count> | run) --jobs <file> --effects <file> --host <name> [options]
          enqueue <count>     enqueues <count> crash jobs, then runs until --expect jobs have finished (default: <count>)
          run                 claims jobs from the file until killed, until --stop-file exists or until --expect jobs have finished
        options:
          --work-ms <n>       how long each enqueued job works, in milliseconds (default 2), in --steps steps
          --steps <n>         progress reports of each enqueued job (default 2)
          --workers <n>       workers of the default queue (default 8)
          --max-attempts <n>  attempts of each enqueued job (default 10)
          --first-key <n>     the key of the first enqueued job (default 0; keys count up from it)
          --producers <n>     enqueues in flight at once (default 32)
          --expect <n>        stop once at least n jobs have finished and none is left waiting or running
          --stop-file <path>  stop once this file exists
          --lease-ms <n>      SqliteJobStoreOptions.LeaseDuration (default: the store's own default)
          --poll-ms <n>       BackgroundJobsOptions.PollInterval (default: the library's own default)
          --announce          write "started <key> <attempt>" whenever a job starts
        writes one line per event: "ready <pid>", "enqueued <count>", "started <key> <attempt>",
        "done <succeeded> <failed> <cancelled>"; exit code 0, or 2 for a bad command line.
        """;

    public bool Enqueue { get; private set; }

    public int Count { get; private set; }

    public string JobsPath { get; private set; } = "";

    public string EffectsPath { get; private set; } = "";

    public string HostName { get; private set; } = "";

    public int WorkMilliseconds { get; private set; } = 2;

    public int Steps { get; private set; } = 2;

    public int Workers { get; private set; } = 8;

    public int MaxAttempts { get; private set; } = 10;

    public int FirstKey { get; private set; }

    public int Producers { get; private set; } = 32;

    public int Expect { get; private set; }

    public string? StopFile { get; private set; }

    public TimeSpan? Lease { get; private set; }

    public TimeSpan? PollInterval { get; private set; }

    public bool Announce { get; private set; }

    /// <summary>Reads the command line.</summary>
    /// <exception cref="FormatException">It does not follow <see cref="Usage"/>; the message says what is wrong.</exception>
    public static HostSettings Parse(IReadOnlyList<string> args)
    {
        var settings = new HostSettings();
        var i = 0;
        switch (args.Count > 0 ? args[0] : null)
        {
            case "enqueue":
                settings.Enqueue = true;
                settings.Count = Number(args, 1, "enqueue", min: 1);
                settings.Expect = settings.Count;
                i = 2;
                break;
            case "run":
                i = 1;
                break;
            default:
                throw new FormatException("The first argument must be 'enqueue <count>' or 'run'.");
        }

        for (; i < args.Count; i++)
        {
            var name = args[i];
            switch (name)
            {
                case "--jobs": settings.JobsPath = Text(args, ++i, name); break;
                case "--effects": settings.EffectsPath = Text(args, ++i, name); break;
                case "--host": settings.HostName = Text(args, ++i, name); break;
                case "--work-ms": settings.WorkMilliseconds = Number(args, ++i, name, min: 0); break;
                case "--steps": settings.Steps = Number(args, ++i, name, min: 1); break;
                case "--workers": settings.Workers = Number(args, ++i, name, min: 1); break;
                case "--max-attempts": settings.MaxAttempts = Number(args, ++i, name, min: 1); break;
                case "--first-key": settings.FirstKey = Number(args, ++i, name, min: 0); break;
                case "--producers": settings.Producers = Number(args, ++i, name, min: 1); break;
                case "--expect": settings.Expect = Number(args, ++i, name, min: 1); break;
                case "--stop-file": settings.StopFile = Text(args, ++i, name); break;
                case "--lease-ms": settings.Lease = TimeSpan.FromMilliseconds(Number(args, ++i, name, min: 1)); break;
                case "--poll-ms": settings.PollInterval = TimeSpan.FromMilliseconds(Number(args, ++i, name, min: 1)); break;
                case "--announce": settings.Announce = true; break;
                default: throw new FormatException($"Unknown option '{name}'.");
            }
        }

        if (settings.JobsPath.Length == 0 || settings.EffectsPath.Length == 0 || settings.HostName.Length == 0)
        {
            throw new FormatException("--jobs, --effects and --host are required.");
        }

        return settings;
    }

    private static string Text(IReadOnlyList<string> args, int i, string name)
        => i < args.Count && args[i].Length > 0 ? args[i] : throw new FormatException($"{name} needs a value.");

    private static int Number(IReadOnlyList<string> args, int i, string name, int min)
        => int.TryParse(Text(args, i, name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min
            ? value
            : throw new FormatException($"{name} needs a whole number of at least {min}, not '{args[i]}'.");
}
