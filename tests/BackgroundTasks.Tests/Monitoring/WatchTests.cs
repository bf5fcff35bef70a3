namespace BackgroundTasks.Tests.Monitoring;

[CancelAfter(20_000)]
public sealed class WatchTests
{
    [Test]
    public async Task WatchAsync_RunningJob_YieldsEachChangeUntilTerminal(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync(o => o.ProgressInterval = TimeSpan.Zero);
        var steps = new[] { new TaskCompletionSource(), new TaskCompletionSource(), new TaskCompletionSource() };
        var id = await host.Queue.EnqueueAsync(async ctx =>
        {
            for (var i = 0; i < steps.Length; i++)
            {
                await steps[i].Task;
                ctx.ReportProgress((i + 1) * 30, $"step {i + 1}");
            }
        }, cancellationToken: ct);
        await host.Store.WaitForStatusAsync(id, JobStatus.Running, ct);

        var seen = new List<JobRecord>();
        await using var watch = host.Monitor.WatchAsync(id, ct).GetAsyncEnumerator(ct);
        Assert.That(await watch.MoveNextAsync(), Is.True);
        seen.Add(watch.Current);
        for (var i = 0; i < steps.Length; i++)
        {
            steps[i].SetResult();
            Assert.That(await watch.MoveNextAsync(), Is.True);
            seen.Add(watch.Current);
        }

        while (await watch.MoveNextAsync())
        {
            seen.Add(watch.Current);
        }

        Assert.That(seen[0].Status, Is.EqualTo(JobStatus.Running));
        Assert.That(seen.Skip(1).Take(3).Select(r => r.Progress.Message), Is.EqualTo(new[] { "step 1", "step 2", "step 3" }));
        Assert.That(seen[^1].Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That(seen[^1].Progress.Percent, Is.EqualTo(90));
    }

    [Test]
    public async Task WatchAsync_SlowWatcher_SkipsIntermediateButGetsFinal(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync(o => o.ProgressInterval = TimeSpan.Zero);
        var go = new TaskCompletionSource();
        var id = await host.Queue.EnqueueAsync(async ctx =>
        {
            await go.Task;
            for (var i = 0; i <= 100; i++)
            {
                ctx.ReportProgress(i);
            }
        }, cancellationToken: ct);
        await host.Store.WaitForStatusAsync(id, JobStatus.Running, ct);

        await using var watch = host.Monitor.WatchAsync(id, ct).GetAsyncEnumerator(ct);
        Assert.That(await watch.MoveNextAsync(), Is.True);
        go.SetResult();
        await host.Monitor.WaitAsync(id, ct);
        var rest = new List<JobRecord>();
        while (await watch.MoveNextAsync())
        {
            rest.Add(watch.Current);
        }

        Assert.That(rest, Has.Count.LessThan(50), "The watcher did not read, so it skips what it missed.");
        Assert.That(rest[^1].Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That(rest[^1].Progress.Percent, Is.EqualTo(100));
    }

    [Test]
    public async Task WatchAsync_FinishedJob_YieldsTerminalRecordOnce(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync();
        var id = await host.Queue.EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct);
        await host.Monitor.WaitAsync(id, ct);

        var all = new List<JobRecord>();
        await foreach (var record in host.Monitor.WatchAsync(id, ct))
        {
            all.Add(record);
        }

        Assert.That(all.Select(r => r.Status), Is.EqualTo(new[] { JobStatus.Succeeded }));
    }

    [Test]
    public async Task WatchAsync_CancelledJob_EndsWithCancelled(CancellationToken ct)
    {
        await using var host = JobsHost.Create();
        var id = await host.Queue.EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct);
        var watch = BackgroundWatch.Start(host.Monitor, id, ct);

        await watch.FirstSeen.WaitAsync(ct);
        await host.Monitor.CancelAsync(id, ct);
        await watch.Completion.WaitAsync(ct);
        var records = watch.Records;

        Assert.That(records[0].Status, Is.EqualTo(JobStatus.Queued));
        Assert.That(records[^1].Status, Is.EqualTo(JobStatus.Cancelled));
    }

    [Test]
    public async Task WatchAsync_UnknownJob_ThrowsKeyNotFound()
    {
        await using var host = await JobsHost.StartAsync();

        Assert.That(async () =>
        {
            await foreach (var _ in host.Monitor.WatchAsync(JobId.NewId()))
            {
            }
        }, Throws.InstanceOf<KeyNotFoundException>());
    }
}
