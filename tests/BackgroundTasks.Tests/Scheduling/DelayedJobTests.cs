namespace BackgroundTasks.Tests.Scheduling;

[CancelAfter(20_000)]
public sealed class DelayedJobTests
{
    [Test]
    public async Task EnqueueAsync_WithDelay_IsScheduledThenRunsWhenDue(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync();
        var enqueuedAt = host.Time.GetUtcNow();

        var id = await host.Queue.EnqueueAsync(_ => Task.CompletedTask, new JobOptions { Delay = TimeSpan.FromMinutes(15) }, ct);

        var scheduled = host.Store.Get(id);
        Assert.That(scheduled.Status, Is.EqualTo(JobStatus.Scheduled));
        Assert.That(scheduled.ScheduledAt, Is.EqualTo(enqueuedAt + TimeSpan.FromMinutes(15)));
        host.Time.Advance(TimeSpan.FromMinutes(14));
        Assert.That(host.Store.Get(id).Status, Is.EqualTo(JobStatus.Scheduled));

        host.Time.Advance(TimeSpan.FromMinutes(1));
        var record = await host.Monitor.WaitAsync(id, ct);

        Assert.That(record.Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That(record.StartedAt, Is.GreaterThanOrEqualTo(enqueuedAt + TimeSpan.FromMinutes(15)));
    }

    [Test]
    public async Task EnqueueAsync_WithRunAt_RunsAtThatTime(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync();
        var runAt = host.Time.GetUtcNow().AddHours(2);

        var id = await host.Queue.EnqueueAsync(_ => Task.CompletedTask, new JobOptions { RunAt = runAt }, ct);
        host.Time.Advance(TimeSpan.FromHours(2));

        Assert.That((await host.Monitor.WaitAsync(id, ct)).Status, Is.EqualTo(JobStatus.Succeeded));
    }

    [Test]
    public async Task EnqueueAsync_WithRunAtInThePast_RunsAtOnce(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync();

        var id = await host.Queue.EnqueueAsync(_ => Task.CompletedTask, new JobOptions { RunAt = host.Time.GetUtcNow().AddDays(-1) }, ct);

        Assert.That((await host.Monitor.WaitAsync(id, ct)).Status, Is.EqualTo(JobStatus.Succeeded));
    }
}
