namespace BackgroundTasks.Tests.Queue;

[CancelAfter(20_000)]
public sealed class BackPressureTests
{
    [Test]
    public async Task EnqueueAsync_FullQueueInWaitMode_WaitsUntilSpaceFrees(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync(o =>
        {
            o.Queues["default"].Workers = 1;
            o.Queues["default"].Capacity = 1;
        });
        var (running, gate) = await host.StartBlockingJobAsync(ct);
        var waiting = await host.Queue.EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct);

        var blocked = host.Queue.EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct).AsTask();

        Assert.That(blocked.IsCompleted, Is.False, "The queue holds one waiting job, so the third enqueue must wait.");
        gate.SetResult();
        var third = await blocked.WaitAsync(ct);
        foreach (var id in new[] { running, waiting, third })
        {
            Assert.That((await host.Monitor.WaitAsync(id, ct)).Status, Is.EqualTo(JobStatus.Succeeded));
        }
    }

    [Test]
    public async Task EnqueueAsync_FullQueueCallerCancels_ThrowsAndRecordsNothing(CancellationToken ct)
    {
        await using var host = JobsHost.Create(o => o.Queues["default"].Capacity = 1);
        await host.Queue.EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct);
        using var caller = new CancellationTokenSource();

        var blocked = host.Queue.EnqueueAsync(_ => Task.CompletedTask, cancellationToken: caller.Token).AsTask();
        Assert.That(blocked.IsCompleted, Is.False);
        await caller.CancelAsync();

        Assert.That(async () => await blocked, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(host.Store.Transitions, Has.Count.EqualTo(1), "Only the first job was accepted.");
    }

    [Test]
    public async Task EnqueueAsync_FullQueueInRejectMode_ThrowsNamingQueueAndCapacity(CancellationToken ct)
    {
        await using var host = JobsHost.Create(build: b => b.AddQueue("exports", q =>
        {
            q.Capacity = 2;
            q.FullMode = QueueFullMode.Reject;
        }));
        var options = new JobOptions { Queue = "exports" };
        await host.Queue.EnqueueAsync(_ => Task.CompletedTask, options, ct);
        await host.Queue.EnqueueAsync(_ => Task.CompletedTask, options, ct);

        var ex = Assert.ThrowsAsync<JobQueueFullException>(async () => await host.Queue.EnqueueAsync(_ => Task.CompletedTask, options, ct));

        Assert.That(ex!.Queue, Is.EqualTo("exports"));
        Assert.That(ex.Capacity, Is.EqualTo(2));
        Assert.That(ex.Message, Does.Contain("'exports'").And.Contain("2"));
        Assert.That(host.Store.Transitions, Has.Count.EqualTo(2), "The rejected job is not recorded.");
    }

    [Test]
    public async Task TryEnqueue_FullQueue_ReturnsFalseWithoutWaiting(CancellationToken ct)
    {
        await using var host = JobsHost.Create(o => o.Queues["default"].Capacity = 1);
        Assert.That(host.Queue.TryEnqueue(_ => Task.CompletedTask, out var first), Is.True);

        Assert.That(host.Queue.TryEnqueue(_ => Task.CompletedTask, out var second), Is.False);
        Assert.That(second.IsEmpty, Is.True);

        await host.Host.StartAsync(ct);
        Assert.That((await host.Monitor.WaitAsync(first, ct)).Status, Is.EqualTo(JobStatus.Succeeded));
        await host.Store.WaitUntilAsync(() => host.Queue.TryEnqueue(_ => Task.CompletedTask, out _), "space to free up once the worker took the job", ct);
    }

    [Test]
    public async Task EnqueueAsync_DelayedJobs_DoNotTakeCapacityUntilDue(CancellationToken ct)
    {
        await using var host = JobsHost.Create(o =>
        {
            o.Queues["default"].Capacity = 1;
            o.Queues["default"].FullMode = QueueFullMode.Reject;
        });

        for (var i = 0; i < 5; i++)
        {
            await host.Queue.EnqueueAsync(_ => Task.CompletedTask, new JobOptions { Delay = TimeSpan.FromMinutes(1) }, ct);
        }

        Assert.That(host.Queue.TryEnqueue(_ => Task.CompletedTask, out _), Is.True, "Delayed jobs leave the capacity to immediate ones.");
    }
}
