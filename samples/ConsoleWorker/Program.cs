using BackgroundTasks;
using ConsoleWorker.Display;
using ConsoleWorker.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spectre.Console;

// A generic host with background jobs: enqueue a realistic mix, show it live, then summarise how each
// job ended. Ctrl+C stops the host gracefully: running jobs get DrainTimeout to finish, the rest are
// cancelled, and the summary says which was which.
var drainTimeout = TimeSpan.FromSeconds(2);
var builder = Host.CreateApplicationBuilder(args);
builder.Logging.ClearProviders(); // the view and the summary show every job's state and error
builder.Services.AddBackgroundJobs(options =>
    {
        options.Queues["default"].Workers = 2;
        options.ShutdownMode = ShutdownMode.Drain;
        options.DrainTimeout = drainTimeout;
    })
    .AddQueue("reports", queue => queue.Workers = 2)
    .AddQueue("compute", queue => queue.Workers = 1);

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

await host.StartAsync();
DateTimeOffset? stoppedAt = null;

await view.RunAsync(async () =>
{
    var watchers = new List<Task>
    {
        Track(await jobs.EnqueueAsync(ctx => ReportJob.RunAsync(ctx, pages: 20, TimeSpan.FromMilliseconds(120)), Options("report-january", "reports"))),
        Track(await jobs.EnqueueAsync(ctx => ReportJob.RunAsync(ctx, pages: 30, TimeSpan.FromMilliseconds(100)), Options("report-february", "reports"))),
        Track(await jobs.EnqueueAsync(ctx => ReportJob.RunAsync(ctx, pages: 16, TimeSpan.FromMilliseconds(150)), Options("report-march", "reports"))),
        Track(await jobs.EnqueueAsync(ctx => PrimeCountJob.RunAsync(ctx, limit: 10_000_000), Options("prime-count", "compute"))),
        Track(await jobs.EnqueueAsync(
            ctx => FlakyImportJob.RunAsync(ctx, failingAttempts: 2, rows: 40),
            Options("flaky-import", "default", maxAttempts: 3))),
        Track(await jobs.EnqueueAsync(
            ctx => FlakyImportJob.RunAsync(ctx, failingAttempts: int.MaxValue, rows: 20),
            Options("legacy-import", "default", maxAttempts: 2))),

        // A long export that the user gives up on: cancelled by id once it is 30% done.
        Track(
            await jobs.EnqueueAsync(ctx => ReportJob.RunAsync(ctx, pages: 100, TimeSpan.FromMilliseconds(100)), Options("export-archive", "default")),
            async record =>
            {
                if (record is { Status: JobStatus.Running, Progress.Percent: >= 30 })
                {
                    await monitor.CancelAsync(record.Id);
                }
            }),
    };

    var allEnded = Task.WhenAll(watchers);
    if (await Task.WhenAny(allEnded, stopRequested.Task) != allEnded)
    {
        stoppedAt = TimeProvider.System.GetUtcNow();
        view.Note($"Stopping: running jobs get {drainTimeout.TotalSeconds:0} s to finish, then they and the queued jobs are cancelled.");
        await host.StopAsync();
    }

    await allEnded;
});

await host.StopAsync();

// The store recorded every job; newest first, so turn the page around.
var records = await monitor.QueryAsync(new JobQuery { Take = 100 });
view.Summary([.. records.OrderBy(r => r.Id).Select(r => new JobOutcome(r, AtShutdown(r)))]);
return 0;

async Task Track(JobId id, Func<JobRecord, Task>? onChange = null)
{
    await foreach (var record in monitor.WatchAsync(id))
    {
        view.Show(record);
        if (onChange is not null)
        {
            await onChange(record);
        }
    }
}

string? AtShutdown(JobRecord record) => stoppedAt is { } stopped && record.FinishedAt >= stopped
    ? record.Status == JobStatus.Cancelled ? "cancelled" : "drained"
    : null;

static JobOptions Options(string name, string queue, int maxAttempts = 1) => new()
{
    Name = name,
    Queue = queue,
    MaxAttempts = maxAttempts,
    Backoff = new RetryBackoff { InitialDelay = TimeSpan.FromMilliseconds(300), Multiplier = 2, Jitter = 0 },
};
