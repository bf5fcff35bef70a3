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
    public async Task CancelAsync_FinishedOrUnknownJob_ReturnsFalse(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync();
        var id = await host.Queue.EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct);
        await host.Monitor.WaitAsync(id, ct);

        Assert.That(await host.Monitor.CancelAsync(id, ct), Is.False);
        Assert.That(await host.Monitor.CancelAsync(JobId.NewId(), ct), Is.False);
        Assert.That((await host.Monitor.GetAsync(id, ct))!.Status, Is.EqualTo(JobStatus.Succeeded), "A terminal status is final.");
    }

    [Test]
    public async Task WaitAsync_UnknownJob_ThrowsKeyNotFound()
    {
        await using var host = await JobsHost.StartAsync();

        Assert.That(async () => await host.Monitor.WaitAsync(JobId.NewId()), Throws.InstanceOf<KeyNotFoundException>().With.Message.Contains("unknown"));
    }
}
