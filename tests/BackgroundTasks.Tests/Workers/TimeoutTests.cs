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

    [Test]
    public async Task SystemClock_OneWorkerAlternatesTimedAndUntimedJobs_OnlyTheTimedOnesTimeOut(CancellationToken ct)
    {
        // On the system clock a worker's token source starts without a timer and gets one only when a job
        // with a timeout arms it; the jobs after that one must run with an uncancelled, unarmed token.
        await using var host = await DefaultStoreHost.StartAsync(o => o.Queues["default"].Workers = 1, time: TimeProvider.System);
        var untimedSawCancelled = 0;
        Task Untimed(JobContext ctx)
        {
            if (ctx.CancellationToken.IsCancellationRequested)
            {
                Interlocked.Increment(ref untimedSawCancelled);
            }

            return Task.CompletedTask;
        }

        var ids = new List<(JobId Id, bool Timed)>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await host.Queue.EnqueueAsync(Untimed, cancellationToken: ct), false));
            ids.Add((await host.Queue.EnqueueAsync(ctx => Until.Cancelled(ctx.CancellationToken), new JobOptions { Timeout = TimeSpan.FromMilliseconds(50) }, ct), true));
        }

        ids.Add((await host.Queue.EnqueueAsync(Untimed, cancellationToken: ct), false));

        foreach (var (id, timed) in ids)
        {
            var record = await host.Monitor.WaitAsync(id, ct);
            if (timed)
            {
                Assert.That(record.Status, Is.EqualTo(JobStatus.Failed), $"Timed job {id}");
                Assert.That(record.Error!.TimedOut, Is.True, $"Timed job {id}");
            }
            else
            {
                Assert.That(record.Status, Is.EqualTo(JobStatus.Succeeded), $"Untimed job {id}");
            }
        }

        Assert.That(untimedSawCancelled, Is.Zero, "A job without a timeout started with a cancelled token.");
    }
}
