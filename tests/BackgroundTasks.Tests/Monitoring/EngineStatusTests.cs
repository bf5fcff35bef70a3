using BackgroundTasks.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace BackgroundTasks.Tests.Monitoring;

/// <summary><see cref="IJobMonitor.GetEngineStatus"/>: whether the worker pool runs, and how full each queue is.</summary>
[CancelAfter(20_000)]
public sealed class EngineStatusTests
{
    [Test]
    public async Task GetEngineStatus_BeforeStartWhileRunningAndAfterStop_RunningOnlyWhileTheHostRuns(CancellationToken ct)
    {
        await using var host = JobsHost.Create(build: b => b.AddQueue("mail", q => { q.Workers = 3; q.Capacity = 7; }));

        Assert.That(host.Monitor.GetEngineStatus().IsRunning, Is.False, "Not started yet.");
        await host.Host.StartAsync(ct);
        var running = host.Monitor.GetEngineStatus();
        await host.Host.StopAsync(ct);

        Assert.That(running.IsRunning, Is.True);
        Assert.That(running.Queues.Select(q => q.Name), Is.EquivalentTo(new[] { "default", "mail" }));
        var mail = running.Queues.Single(q => q.Name == "mail");
        Assert.That((mail.Workers, mail.Capacity, mail.Length, mail.IsFull), Is.EqualTo((3, 7, 0, false)));
        Assert.That(host.Monitor.GetEngineStatus().IsRunning, Is.False, "Stopped.");
    }

    [Test]
    public async Task GetEngineStatus_WorkerLoopsEndWhileTheHostRuns_NotRunning(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync();
        var engine = host.Host.Services.GetRequiredService<JobEngine>();
        await Poll.UntilAsync(() => host.Monitor.GetEngineStatus().IsRunning, "the pool to run", ct);

        // The loops end only when the host stops, or through a bug: make them end with the host still running.
        foreach (var queue in engine.Queues)
        {
            queue.StopTaking();
        }

        await Poll.UntilAsync(() => !host.Monitor.GetEngineStatus().IsRunning, "the status to see that the worker loops ended", ct);
        Assert.That(engine.IsClosed, Is.False, "The engine itself was not shut down.");
    }

    [Test]
    public async Task GetEngineStatus_QueueAtCapacity_IsFullWithItsLength_UntilAWorkerTakesAJob(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync(o =>
        {
            o.Queues["default"].Workers = 1;
            o.Queues["default"].Capacity = 2;
            o.Queues["default"].FullMode = QueueFullMode.Reject;
        });
        var (running, release) = await host.StartBlockingJobAsync(ct);
        await host.Queue.EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct);
        var half = host.Monitor.GetEngineStatus().Queues.Single();
        var last = await host.Queue.EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct);

        var full = host.Monitor.GetEngineStatus().Queues.Single();
        release.SetResult();
        await host.Monitor.WaitAsync(last, ct);
        var drained = host.Monitor.GetEngineStatus().Queues.Single();

        Assert.That((half.Length, half.IsFull), Is.EqualTo((1, false)));
        Assert.That((full.Length, full.IsFull), Is.EqualTo((2, true)), "Two jobs wait behind the running one: no free place.");
        Assert.That((drained.Length, drained.IsFull), Is.EqualTo((0, false)));
        Assert.That((await host.Monitor.GetAsync(running, ct))!.Status, Is.EqualTo(JobStatus.Succeeded));
    }

    [Test]
    public async Task GetEngineStatus_DurableStore_RunningAndNeverFull(CancellationToken ct)
    {
        using var file = new TemporaryFile("jobs.db");
        await using var host = await JobsHost.StartAsync(
            o => o.Queues["default"].Capacity = 1,
            b => b.UseSqlite(file.Path));
        Assert.That(host.Host.Services.GetRequiredService<IJobStore>(), Is.InstanceOf<SqliteJobStore>());
        for (var i = 0; i < 3; i++)
        {
            await host.Queue.EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct);
        }

        var status = host.Monitor.GetEngineStatus();

        Assert.That(status.IsRunning, Is.True, "The worker and claim loops run.");
        Assert.That(status.Queues.Single().IsFull, Is.False, "Jobs wait in the store, which has no capacity.");
    }
}
