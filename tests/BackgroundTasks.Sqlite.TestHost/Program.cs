using System.Globalization;
using BackgroundTasks;
using BackgroundTasks.Sqlite.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// A host on a SQLite file for the crash tests: see HostSettings.Usage. It is meant to be killed.
HostSettings settings;
try
{
    settings = HostSettings.Parse(args);
}
catch (FormatException ex)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(HostSettings.Usage);
    return 2;
}

var builder = Host.CreateApplicationBuilder();
builder.Logging.ClearProviders();
builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning);
builder.Services.AddSingleton(settings);
builder.Services.AddSingleton(_ => new EffectLog(settings.EffectsPath, settings.HostName));
builder.Services.AddBackgroundJobs(options =>
    {
        options.HostName = settings.HostName;
        if (settings.PollInterval is { } poll)
        {
            options.PollInterval = poll;
        }

        options.DrainTimeout = TimeSpan.FromSeconds(5);
        options.Queues[BackgroundJobsOptions.DefaultQueueName].Workers = settings.Workers;
        options.Queues[BackgroundJobsOptions.DefaultQueueName].MaxAttempts = settings.MaxAttempts;
    })
    .AddJob<CrashJob, CrashArgs>(CrashJob.Name, TestHostJsonContext.Default.CrashArgs)
    .UseSqlite(settings.JobsPath, sqlite =>
    {
        sqlite.RetentionInterval = Timeout.InfiniteTimeSpan;
        if (settings.Lease is { } lease)
        {
            sqlite.LeaseDuration = lease;
        }
    });

using var host = builder.Build();
var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
host.Services.GetRequiredService<EffectLog>(); // the effects file exists before any job runs
await host.StartAsync();
Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ready {Environment.ProcessId}"));

if (settings.Enqueue)
{
    var queue = host.Services.GetRequiredService<IJobQueue>();
    await Parallel.ForEachAsync(
        Enumerable.Range(settings.FirstKey, settings.Count),
        new ParallelOptions { MaxDegreeOfParallelism = settings.Producers },
        async (key, ct) => await queue.EnqueueAsync<CrashJob, CrashArgs>(new CrashArgs(key, settings.WorkMilliseconds, settings.Steps), cancellationToken: ct));
    Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"enqueued {settings.Count}"));
}

var monitor = host.Services.GetRequiredService<IJobMonitor>();
using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
IReadOnlyDictionary<(string Queue, JobStatus Status), int> counts = new Dictionary<(string Queue, JobStatus Status), int>();
try
{
    while (await timer.WaitForNextTickAsync(stopping))
    {
        if (settings.StopFile is { } stopFile && File.Exists(stopFile))
        {
            break;
        }

        if (settings.Expect > 0)
        {
            counts = await monitor.CountAsync(stopping);
            if (Sum(counts, finished: true) >= settings.Expect && Sum(counts, finished: false) == 0)
            {
                break;
            }
        }
    }
}
catch (OperationCanceledException) when (stopping.IsCancellationRequested)
{
    // SIGTERM or Ctrl+C: stop as any host does.
}

await host.StopAsync();
counts = await monitor.CountAsync();
Console.Out.WriteLine(string.Create(
    CultureInfo.InvariantCulture,
    $"done {Count(counts, JobStatus.Succeeded)} {Count(counts, JobStatus.Failed)} {Count(counts, JobStatus.Cancelled)}"));
return 0;

static int Sum(IReadOnlyDictionary<(string Queue, JobStatus Status), int> counts, bool finished)
    => counts.Where(c => c.Key.Status.IsTerminal() == finished).Sum(c => c.Value);

static int Count(IReadOnlyDictionary<(string Queue, JobStatus Status), int> counts, JobStatus status)
    => counts.Where(c => c.Key.Status == status).Sum(c => c.Value);
