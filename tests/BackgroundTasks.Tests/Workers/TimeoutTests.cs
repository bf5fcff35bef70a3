namespace BackgroundTasks.Tests.Workers;

[CancelAfter(20_000)]
public sealed class TimeoutTests
{
    [Test]
    public async Task Job_RunsPastTimeout_TokenFiresAndRecordedTimedOut(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync();
        var id = await host.Queue.StartCancellableJobAsync(new JobOptions { Timeout = TimeSpan.FromSeconds(30) }, ct);

        host.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.That(host.Store.Get(id).Status, Is.EqualTo(JobStatus.Running));
        host.Time.Advance(TimeSpan.FromSeconds(1));
        var record = await host.Monitor.WaitAsync(id, ct);

        Assert.That(record.Status, Is.EqualTo(JobStatus.Failed));
        Assert.That(record.Error!.TimedOut, Is.True);
        Assert.That(record.Error.Type, Is.EqualTo("System.TimeoutException"));
        Assert.That(record.Error.Message, Does.Contain("timed out").And.Contain("00:00:30"));
    }

    [Test]
    public async Task QueueTimeout_AppliesToJobsWithoutTheirOwn_AndTimedOutAttemptIsRetried(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync(o =>
        {
            o.Queues["default"].Timeout = TimeSpan.FromSeconds(5);
            o.Queues["default"].MaxAttempts = 2;
            o.Queues["default"].Backoff = new RetryBackoff { InitialDelay = TimeSpan.Zero, Jitter = 0 };
        });
        var id = await host.Queue.EnqueueAsync(async ctx =>
        {
            if (ctx.Attempt == 1)
            {
                await Until.Cancelled(ctx.CancellationToken);
            }
        }, cancellationToken: ct);
        await host.Store.WaitForStatusAsync(id, JobStatus.Running, ct);

        host.Time.Advance(TimeSpan.FromSeconds(5));
        var record = await host.Monitor.WaitAsync(id, ct);

        Assert.That(record.Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That(record.Attempt, Is.EqualTo(2));
        Assert.That(host.Store.StatusesOf(id), Does.Contain(JobStatus.Retrying));
    }
}
