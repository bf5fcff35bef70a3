using BackgroundTasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// A generic host with background jobs: enqueue a few jobs, wait for each, print how each ended.
var builder = Host.CreateApplicationBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddBackgroundJobs(options => options.Queues["default"].Workers = 2)
    .AddQueue("reports", queue =>
    {
        queue.Workers = 1;
        queue.MaxAttempts = 3;
        queue.Backoff = new RetryBackoff { InitialDelay = TimeSpan.FromMilliseconds(50), Jitter = 0 };
    });

using var host = builder.Build();
await host.StartAsync();

var jobs = host.Services.GetRequiredService<IJobQueue>();
var monitor = host.Services.GetRequiredService<IJobMonitor>();

var ids = new List<JobId>
{
    await jobs.EnqueueAsync(async ctx =>
    {
        for (var page = 1; page <= 5; page++)
        {
            await Task.Yield();
            ctx.ReportItems(page, 5, $"page {page}");
        }
    }, new JobOptions { Name = "monthly-report", Queue = "reports" }),
    await jobs.EnqueueAsync(ctx => Task.FromResult(Enumerable.Range(1, 1000).Sum()), new JobOptions { Name = "sum" }),
    await jobs.EnqueueAsync(ctx => ctx.Attempt < 2
        ? throw new InvalidOperationException("flaky dependency")
        : Task.CompletedTask, new JobOptions { Name = "flaky", Queue = "reports" }),
};

foreach (var id in ids)
{
    var record = await monitor.WaitAsync(id);
    Console.WriteLine($"{record.Name,-16} {record.Status,-10} attempts={record.Attempt} result={record.Result ?? "-"} progress={record.Progress.Percent:0}%");
}

await host.StopAsync();
