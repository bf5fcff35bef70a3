using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BackgroundTasks.Tests.Store;

/// <summary>
/// With the default in-memory store the library keeps its live jobs in the store's own entries; these
/// tests run cancel, wait, watch and the shutdown sweep through that path.
/// </summary>
[CancelAfter(20_000)]
public sealed class DefaultStoreLifecycleTests
{
    [Test]
    public async Task CancelWaitWatchAndSweep_WithTheDefaultStore_BehaveAsWithAnyStore(CancellationToken ct)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddBackgroundJobs(o =>
        {
            o.Queues["default"].Workers = 1;
            o.ShutdownMode = ShutdownMode.Cancel;
            o.DrainTimeout = TimeSpan.Zero;
        });
        using var host = builder.Build();
        var queue = host.Services.GetRequiredService<IJobQueue>();
        var monitor = host.Services.GetRequiredService<IJobMonitor>();
        var engine = host.Services.GetRequiredService<JobEngine>();
        Assert.That(host.Services.GetRequiredService<IJobStore>(), Is.InstanceOf<InMemoryJobStore>());

        var started = new TaskCompletionSource();
        var running = await queue.EnqueueAsync(async ctx =>
        {
            started.SetResult();
            ctx.ReportProgress(50, "half");
            await Until.Cancelled(ctx.CancellationToken);
        }, cancellationToken: ct);
        var queuedThenCancelled = await queue.EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct);
        var secondStarted = new TaskCompletionSource();
        var runningAtStop = await queue.EnqueueAsync(ctx =>
        {
            secondStarted.SetResult();
            return Until.Cancelled(ctx.CancellationToken);
        }, cancellationToken: ct);
        var leftQueued = await queue.EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct);
        Assert.That(engine.AliveCount, Is.EqualTo(4));

        await host.StartAsync(ct);
        await started.Task.WaitAsync(ct);
        Assert.That(await monitor.CancelAsync(queuedThenCancelled, ct), Is.True);
        Assert.That((await monitor.WaitAsync(queuedThenCancelled, ct)).Status, Is.EqualTo(JobStatus.Cancelled));

        var watch = BackgroundWatch.Start(monitor, running, ct);
        Assert.That(await monitor.CancelAsync(running, ct), Is.True);
        Assert.That((await monitor.WaitAsync(running, ct)).Status, Is.EqualTo(JobStatus.Cancelled));
        await watch.Completion.WaitAsync(ct);
        Assert.That(watch.Records[^1].Status, Is.EqualTo(JobStatus.Cancelled));
        await secondStarted.Task.WaitAsync(ct);

        await host.StopAsync(ct);

        Assert.That((await monitor.GetAsync(leftQueued, ct))!.Status, Is.EqualTo(JobStatus.Cancelled), "The shutdown sweep found the queued job.");
        Assert.That((await monitor.GetAsync(runningAtStop, ct))!.Status, Is.EqualTo(JobStatus.Cancelled));
        Assert.That(engine.AliveCount, Is.Zero);
        Assert.That(await monitor.CancelAsync(leftQueued, ct), Is.False);
    }
}
