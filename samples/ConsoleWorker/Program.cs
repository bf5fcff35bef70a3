using BackgroundTasks;
using BackgroundTasks.Recurring;
using ConsoleWorker.Display;
using ConsoleWorker.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spectre.Console;

// A generic host with background jobs kept in a SQLite file: enqueue a realistic mix of typed jobs, show it
// live, then summarise how each job ended. Stop it half-way — Ctrl+C (running jobs get DrainTimeout, then go
// back to the file) or a kill — and run it again: it lists the jobs it recovered from the file and finishes them.
var database = DatabasePath(args);
var drainTimeout = TimeSpan.FromSeconds(2);
var builder = Host.CreateApplicationBuilder(args);
builder.Logging.ClearProviders(); // the view and the summary show every job's state and error
builder.Services.AddBackgroundJobs(options =>
    {
        // A host that starts again under the same name takes back its killed predecessor's jobs at once.
        options.HostName = "console-worker";
        options.Queues["default"].Workers = 2;
        options.ShutdownMode = ShutdownMode.Drain;
        options.DrainTimeout = drainTimeout;
    })
    .AddQueue("reports", queue => queue.Workers = 2)
    .AddQueue("compute", queue => queue.Workers = 1)
    .AddJob<ReportJob, ReportArgs, string>("report", SampleJsonContext.Default.ReportArgs)
    .AddJob<ImportJob, ImportArgs, string>("import", SampleJsonContext.Default.ImportArgs)
    .AddJob<PrimeCountJob, PrimeCountArgs, string>("prime-count", SampleJsonContext.Default.PrimeCountArgs)
    .UseSqlite(database)

    // A recurring job, every 10 seconds on a queue of its own: each occurrence is enqueued once, however many
    // workers share the file, and one missed while the worker was down runs once when it is back.
    .AddQueue("maintenance", queue => queue.Workers = 1)
    .AddJob<DiskSpaceJob, DiskSpaceArgs, string>("disk-space", SampleJsonContext.Default.DiskSpaceArgs)
    .AddRecurringJob<DiskSpaceJob, DiskSpaceArgs>("disk-space-check", "*/10 * * * * *", new(Path.GetDirectoryName(database)!), TimeZoneInfo.Utc, recurring =>
    {
        recurring.Queue = "maintenance";
        recurring.Misfire = MisfirePolicy.RunOnce;
    });

using var host = builder.Build();
var jobs = host.Services.GetRequiredService<IJobQueue>();
var monitor = host.Services.GetRequiredService<IJobMonitor>();
var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();

// Redirected output (CI, `| cat`) gets plain lines; a terminal gets live progress bars.
IJobView view = Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive
    ? new PlainJobView(Console.Out)
    : new LiveJobView(AnsiConsole.Console);

// Ctrl+C (SIGINT) and SIGTERM make the host's console lifetime call StopApplication.
var stopRequested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
using var onStopping = lifetime.ApplicationStopping.Register(() => stopRequested.TrySetResult());

// What an earlier run left unfinished in the file, read before this host starts claiming: queued jobs it never
// started, jobs it gave back when it was stopped, and jobs that were running when it was killed.
var leftOver = await UnfinishedAsync(monitor);

await host.StartAsync();
DateTimeOffset? stoppedAt = null;
using var stopWatching = new CancellationTokenSource();
var tracked = new List<JobId>();

await view.RunAsync(async () =>
{
    view.Note($"Jobs are kept in {database}");
    foreach (var schedule in await monitor.ListRecurringJobsAsync())
    {
        view.Note($"Recurring job {schedule.Name} ({schedule.Cron}, {schedule.TimeZoneId}): next run at {schedule.NextRun:HH:mm:ss}");
    }

    if (leftOver.Count > 0)
    {
        view.Note($"Recovered {leftOver.Count} unfinished job(s) from the last run; finishing them instead of starting new ones:");
        foreach (var record in leftOver)
        {
            view.Note($"  {JobLabel.Of(record),-16} {Recovered(record)}");
        }

        tracked.AddRange(leftOver.Select(r => r.Id));
    }
    else
    {
        tracked.AddRange(
        [
            await jobs.EnqueueAsync<ReportJob, ReportArgs>(new("report-january", Pages: 20, PageMilliseconds: 120), Options("reports")),
            await jobs.EnqueueAsync<ReportJob, ReportArgs>(new("report-february", Pages: 30, PageMilliseconds: 100), Options("reports")),
            await jobs.EnqueueAsync<ReportJob, ReportArgs>(new("report-march", Pages: 16, PageMilliseconds: 150), Options("reports")),
            await jobs.EnqueueAsync<PrimeCountJob, PrimeCountArgs>(new("prime-count", Limit: 10_000_000), Options("compute")),

            // Fails twice, then succeeds on its third attempt; the other fails on both of its attempts.
            await jobs.EnqueueAsync<ImportJob, ImportArgs>(new("flaky-import", Rows: 40, FailingAttempts: 2), Options("default")),
            await jobs.EnqueueAsync<ImportJob, ImportArgs>(new("legacy-import", Rows: 20, FailingAttempts: int.MaxValue), Options("default", maxAttempts: 2)),

            // A long export that the user gives up on: cancelled by id once it is 30% done (see Track).
            await jobs.EnqueueAsync<ReportJob, ReportArgs>(new("export-archive", Pages: 100, PageMilliseconds: 100), Options("default")),
        ]);
    }

    var allEnded = Task.WhenAll(tracked.Select(Track));
    if (await Task.WhenAny(allEnded, stopRequested.Task) != allEnded)
    {
        stoppedAt = TimeProvider.System.GetUtcNow();
        view.Note($"Stopping: running jobs get {drainTimeout.TotalSeconds:0} s to finish; the rest stay in the file for the next run.");
        await host.StopAsync();
        await stopWatching.CancelAsync();
    }

    await allEnded;
});

await host.StopAsync();

// Each job's last record: finished, or left in the file for the next run.
var outcomes = new List<JobOutcome>();
foreach (var id in tracked)
{
    var record = (await monitor.GetAsync(id))!;
    outcomes.Add(new JobOutcome(record, AtShutdown(record)));
}

view.Summary(outcomes);
return 0;

async Task Track(JobId id)
{
    try
    {
        await foreach (var record in monitor.WatchAsync(id, stopWatching.Token))
        {
            view.Show(record);
            if (record is { Status: JobStatus.Running, Progress.Percent: >= 30 } && JobLabel.Of(record) == "export-archive")
            {
                await monitor.CancelAsync(record.Id);
            }
        }
    }
    catch (OperationCanceledException) when (stopWatching.IsCancellationRequested)
    {
        // The host stopped: the job waits in the file for the next run.
    }
}

string? AtShutdown(JobRecord record) => stoppedAt is not { } stopped
    ? null
    : !record.Status.IsTerminal() ? "left"
    : record.FinishedAt < stopped ? null
    : record.CancelReason == JobCancelReason.Shutdown ? "cancelled" : "drained";

static JobOptions Options(string queue, int maxAttempts = 3) => new()
{
    Queue = queue,

    // Counts every attempt that started, also one a kill interrupted: a recovered job runs as its next attempt.
    MaxAttempts = maxAttempts,
    Backoff = new RetryBackoff { InitialDelay = TimeSpan.FromMilliseconds(300), Multiplier = 2, Jitter = 0 },
};

static async Task<List<JobRecord>> UnfinishedAsync(IJobMonitor monitor)
{
    var unfinished = new List<JobRecord>();
    foreach (var status in new[] { JobStatus.Scheduled, JobStatus.Queued, JobStatus.Running, JobStatus.Retrying })
    {
        // Recurring occurrences (their unique key starts "recurring:") run by themselves and are not shown here.
        unfinished.AddRange((await monitor.QueryAsync(new JobQuery { Status = status, Take = 100 })).Where(r => r.UniqueKey?.StartsWith("recurring:", StringComparison.Ordinal) != true));
    }

    return [.. unfinished.OrderBy(r => r.Id)];
}

static string Recovered(JobRecord record) => record.Status switch
{
    JobStatus.Running when record.Attempt >= record.MaxAttempts
        => $"was running its last attempt ({record.Attempt} of {record.MaxAttempts}) when the last run was killed: recorded Failed as abandoned",
    JobStatus.Running => $"was running attempt {record.Attempt} of {record.MaxAttempts} when the last run was killed: runs again as attempt {record.Attempt + 1}",
    JobStatus.Retrying when record.Error?.Type == typeof(OperationCanceledException).FullName
        => $"was given back when the last run stopped during attempt {record.Attempt}: runs again as attempt {record.Attempt + 1}",
    JobStatus.Retrying => $"waits to retry after attempt {record.Attempt} of {record.MaxAttempts} failed",
    _ => "had not started: runs as attempt 1",
};

// The database file: --db <path>, or a file in the temp folder that every run of the sample shares.
static string DatabasePath(string[] args)
{
    var at = Array.IndexOf(args, "--db");
    var path = Path.GetFullPath(at >= 0 && at + 1 < args.Length ? args[at + 1] : Path.Combine(Path.GetTempPath(), "BackgroundTasks.ConsoleWorker", "jobs.db"));
    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
    return path;
}
