using AuditedStore;
using BackgroundTasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// A generic host whose job store is a custom one: the in-memory store plus an append-only JSON-lines
// audit file. Runs one job that succeeds and one that fails, then prints the audit trail.
var auditPath = Path.Combine(Path.GetTempPath(), $"audited-store-{Environment.ProcessId}.jsonl");
File.Delete(auditPath);

var builder = Host.CreateApplicationBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Error);
builder.Services.AddBackgroundJobs(options => options.Queues["default"].Workers = 2)
    .UseStore(_ => new AuditingJobStore(auditPath));

JobRecord resized, charged;
using (var host = builder.Build())
{
    await host.StartAsync();
    var jobs = host.Services.GetRequiredService<IJobQueue>();
    var monitor = host.Services.GetRequiredService<IJobMonitor>();

    var resize = await jobs.EnqueueAsync(async ctx =>
    {
        for (var image = 1; image <= 3; image++)
        {
            await Task.Yield();
            ctx.ReportItems(image, 3, $"image {image} of 3");
        }

        return "3 images resized";
    }, new JobOptions { Name = "resize-images" });

    var charge = await jobs.EnqueueAsync(
        ctx => throw new InvalidOperationException($"card declined (attempt {ctx.Attempt})"),
        new JobOptions { Name = "charge-card", MaxAttempts = 2, Backoff = new RetryBackoff { InitialDelay = TimeSpan.FromMilliseconds(20), Jitter = 0 } });

    resized = await monitor.WaitAsync(resize);
    charged = await monitor.WaitAsync(charge);
    await host.StopAsync();
} // disposing the host disposes the store, which closes the audit file

foreach (var job in new[] { resized, charged })
{
    Console.WriteLine($"{job.Name,-14} {job.Status,-10} attempts={job.Attempt} result={job.Result ?? "-"} error={job.Error?.Message ?? "-"}");
}

Console.WriteLine();
Console.WriteLine($"Audit trail ({auditPath}):");
foreach (var line in File.ReadLines(auditPath))
{
    Console.WriteLine(line);
}

File.Delete(auditPath);
return resized.Status == JobStatus.Succeeded && charged.Status == JobStatus.Failed ? 0 : 1;
