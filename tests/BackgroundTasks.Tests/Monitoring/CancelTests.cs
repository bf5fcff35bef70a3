namespace BackgroundTasks.Tests.Monitoring;

[CancelAfter(20_000)]
public sealed class CancelTests
{
    [Test]
    public async Task CancelAsync_QueuedJob_NeverRunsAndIsRecordedCancelled(CancellationToken ct)
    {
        await using var host = JobsHost.Create();
        var ran = false;
        var id = await host.Queue.EnqueueAsync(_ =>
        {
            ran = true;
            return Task.CompletedTask;
        }, cancellationToken: ct);

        Assert.That(await host.Monitor.CancelAsync(id, ct), Is.True);
        var marker = await host.Queue.EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct);
        await host.Host.StartAsync(ct);
        await host.Monitor.WaitAsync(marker, ct);

        var record = await host.Monitor.WaitAsync(id, ct);
        Assert.That(record.Status, Is.EqualTo(JobStatus.Cancelled));
        Assert.That(ran, Is.False);
        Assert.That(host.Store.StatusesOf(id), Is.EqualTo(new[] { JobStatus.Queued, JobStatus.Cancelled }));
    }

    [Test]
    public async Task CancelAsync_RunningJob_FiresItsTokenAndRecordsCancelled(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync();
        var id = await host.Queue.StartCancellableJobAsync(new JobOptions { MaxAttempts = 3 }, ct);

        Assert.That(await host.Monitor.CancelAsync(id, ct), Is.True);
        var record = await host.Monitor.WaitAsync(id, ct);

        Assert.That(record.Status, Is.EqualTo(JobStatus.Cancelled), "A cancelled job is not retried.");
        Assert.That(record.Attempt, Is.EqualTo(1));
        Assert.That(record.Error, Is.Null);
    }

    [Test]
    public async Task CancelAsync_DelayedJob_NeverRuns(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync();
        var ran = false;
        var id = await host.Queue.EnqueueAsync(_ =>
        {
            ran = true;
            return Task.CompletedTask;
        }, new JobOptions { Delay = TimeSpan.FromMinutes(10) }, ct);

        Assert.That(await host.Monitor.CancelAsync(id, ct), Is.True);
        host.Time.Advance(TimeSpan.FromMinutes(10));

        Assert.That((await host.Monitor.WaitAsync(id, ct)).Status, Is.EqualTo(JobStatus.Cancelled));
        Assert.That(ran, Is.False);
    }

    [Test]
    public async Task CancelAsync_FinishedJob_ReturnsFalseAndKeepsItsStatus(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync();
        var id = await host.Queue.EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct);
        await host.Monitor.WaitAsync(id, ct);

        Assert.That(await host.Monitor.CancelAsync(id, ct), Is.False);
        Assert.That((await host.Monitor.GetAsync(id, ct))!.Status, Is.EqualTo(JobStatus.Succeeded), "A terminal status is final.");
    }

    [Test]
    public async Task CancelAsync_UnknownJob_ThrowsKeyNotFoundSoItIsNotMistakenForAFinishedOne(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync();

        Assert.That(async () => await host.Monitor.CancelAsync(JobId.NewId(), ct), Throws.InstanceOf<KeyNotFoundException>().With.Message.Contains("unknown"));
    }

    [Test]
    public async Task CancelAsync_TokenAlreadyCancelled_ThrowsAndLeavesTheJobRunning(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync();
        var (id, release) = await host.StartBlockingJobAsync(ct);

        Assert.That(async () => await host.Monitor.CancelAsync(id, new CancellationToken(canceled: true)), Throws.InstanceOf<OperationCanceledException>());
        Assert.That((await host.Monitor.GetAsync(id, ct))!.Status, Is.EqualTo(JobStatus.Running));
        release.SetResult();
        Assert.That((await host.Monitor.WaitAsync(id, ct)).Status, Is.EqualTo(JobStatus.Succeeded));
    }

    [Test]
    public async Task CancelAsync_QueuedAndRunningJobs_RecordSayRequested(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync(o => o.Queues["default"].Workers = 1);
        var running = await host.Queue.EnqueueAsync(ctx => Until.Cancelled(ctx.CancellationToken), cancellationToken: ct);
        await host.Store.WaitUntilAsync(() => host.Monitor.GetAsync(running).Result?.Status == JobStatus.Running, "the first job to run", ct);
        var queued = await host.Queue.EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct);

        Assert.That(await host.Monitor.CancelAsync(queued, ct), Is.True);
        Assert.That(await host.Monitor.CancelAsync(running, ct), Is.True);

        foreach (var id in new[] { queued, running })
        {
            var record = await host.Monitor.WaitAsync(id, ct);
            Assert.That(record.Status, Is.EqualTo(JobStatus.Cancelled));
            Assert.That(record.CancelReason, Is.EqualTo(JobCancelReason.Requested));
        }
    }

    [Test]
    public async Task CancelAsync_RunningJobIgnoresItsTokenAndReturns_RecordedSucceeded(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync();
        var cancelled = new TaskCompletionSource();
        var id = await host.Queue.EnqueueAsync(
            async ctx =>
            {
                await cancelled.Task;
                Assert.That(ctx.CancellationToken.IsCancellationRequested, Is.True);
            },
            cancellationToken: ct);
        await host.Store.WaitUntilAsync(() => host.Monitor.GetAsync(id).Result?.Status == JobStatus.Running, "the job to run", ct);

        Assert.That(await host.Monitor.CancelAsync(id, ct), Is.True);
        cancelled.SetResult();

        var record = await host.Monitor.WaitAsync(id, ct);
        Assert.That(record.Status, Is.EqualTo(JobStatus.Succeeded), "Cancellation is cooperative: a job that returns did its work.");
        Assert.That(record.CancelReason, Is.EqualTo(JobCancelReason.None));
    }

    [Test]
    public async Task WaitAsync_UnknownJob_ThrowsKeyNotFound()
    {
        await using var host = await JobsHost.StartAsync();

        Assert.That(async () => await host.Monitor.WaitAsync(JobId.NewId()), Throws.InstanceOf<KeyNotFoundException>().With.Message.Contains("unknown"));
    }
}
