namespace BackgroundTasks.Tests.Workers;

[CancelAfter(20_000)]
public sealed class RetryTests
{
    private static readonly RetryBackoff s_tenSecondsDoubling = new() { InitialDelay = TimeSpan.FromSeconds(10), Multiplier = 2, Jitter = 0 };

    [Test]
    public async Task FailingJob_WithAttemptsLeft_RetriesAfterExponentialBackoff(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync();
        var attempts = new List<int>();
        var id = await host.Queue.EnqueueAsync(ctx =>
        {
            lock (attempts)
            {
                attempts.Add(ctx.Attempt);
            }

            throw new TimeoutException($"upstream timed out on attempt {ctx.Attempt}");
        }, new JobOptions { MaxAttempts = 3, Backoff = s_tenSecondsDoubling }, ct);

        var retrying = await host.Store.WaitForStatusAsync(id, JobStatus.Retrying, ct);
        await host.Time.WaitForTimerAsync(TimeSpan.FromSeconds(10), ct);
        Assert.That(retrying.ScheduledAt, Is.EqualTo(host.Time.GetUtcNow() + TimeSpan.FromSeconds(10)));
        Assert.That(retrying.Error!.Message, Is.EqualTo("upstream timed out on attempt 1"));

        host.Time.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromTicks(1));
        Assert.That(host.Store.Get(id).Status, Is.EqualTo(JobStatus.Retrying), "Not due yet.");
        Assert.That(attempts, Has.Count.EqualTo(1));

        host.Time.Advance(TimeSpan.FromTicks(1));
        var second = await host.Store.WaitForAsync(id, r => r.Status == JobStatus.Retrying && r.Attempt == 2, "the second attempt to fail", ct);
        Assert.That(second.ScheduledAt, Is.EqualTo(host.Time.GetUtcNow() + TimeSpan.FromSeconds(20)), "The delay doubles.");
        await host.Time.WaitForTimerAsync(TimeSpan.FromSeconds(20), ct);

        host.Time.Advance(TimeSpan.FromSeconds(20));
        var final = await host.Monitor.WaitAsync(id, ct);

        Assert.That(final.Status, Is.EqualTo(JobStatus.Failed));
        Assert.That(final.Attempt, Is.EqualTo(3));
        Assert.That(attempts, Is.EqualTo(new[] { 1, 2, 3 }));
        Assert.That(final.Error!.Message, Is.EqualTo("upstream timed out on attempt 3"));
        Assert.That(host.Store.StatusesOf(id), Is.EqualTo(new[]
        {
            JobStatus.Queued, JobStatus.Running, JobStatus.Retrying,
            JobStatus.Queued, JobStatus.Running, JobStatus.Retrying,
            JobStatus.Queued, JobStatus.Running, JobStatus.Failed,
        }));
    }

    [Test]
    public async Task FailingJob_SucceedsOnRetry_RecordsSuccess(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync(o =>
        {
            o.Queues["default"].MaxAttempts = 5;
            o.Queues["default"].Backoff = new RetryBackoff { InitialDelay = TimeSpan.FromSeconds(3), Jitter = 0 };
        });
        var id = await host.Queue.EnqueueAsync(ctx => ctx.Attempt == 1 ? throw new IOException("flaky") : Task.CompletedTask, cancellationToken: ct);

        await host.Store.WaitForStatusAsync(id, JobStatus.Retrying, ct);
        await host.Time.WaitForTimerAsync(TimeSpan.FromSeconds(3), ct);
        host.Time.Advance(TimeSpan.FromSeconds(3));
        var record = await host.Monitor.WaitAsync(id, ct);

        Assert.That(record.Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That(record.Attempt, Is.EqualTo(2));
        Assert.That(record.MaxAttempts, Is.EqualTo(5), "The queue's default applies.");
    }

    [Test]
    public async Task RetryingJob_CancelledById_NeverRunsAgain(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync();
        var runs = 0;
        var id = await host.Queue.EnqueueAsync(_ =>
        {
            Interlocked.Increment(ref runs);
            throw new InvalidOperationException("nope");
        }, new JobOptions { MaxAttempts = 3, Backoff = s_tenSecondsDoubling }, ct);
        await host.Store.WaitForStatusAsync(id, JobStatus.Retrying, ct);

        Assert.That(await host.Monitor.CancelAsync(id, ct), Is.True);
        host.Time.Advance(TimeSpan.FromMinutes(1));

        Assert.That((await host.Monitor.WaitAsync(id, ct)).Status, Is.EqualTo(JobStatus.Cancelled));
        Assert.That(runs, Is.EqualTo(1));
    }

    [Test]
    public void GetDelay_GrowsCapsAndJitters()
    {
        var backoff = new RetryBackoff { InitialDelay = TimeSpan.FromSeconds(1), Multiplier = 3, MaxDelay = TimeSpan.FromSeconds(20), Jitter = 0.5 };

        Assert.That(backoff.GetDelay(1, 0.5), Is.EqualTo(TimeSpan.FromSeconds(1)));
        Assert.That(backoff.GetDelay(2, 0.5), Is.EqualTo(TimeSpan.FromSeconds(3)));
        Assert.That(backoff.GetDelay(3, 0.5), Is.EqualTo(TimeSpan.FromSeconds(9)));
        Assert.That(backoff.GetDelay(4, 0.5), Is.EqualTo(TimeSpan.FromSeconds(20)), "Capped at MaxDelay.");
        Assert.That(backoff.GetDelay(2, 0), Is.EqualTo(TimeSpan.FromSeconds(1.5)), "Jitter shortens by up to half.");
        Assert.That(backoff.GetDelay(2, 0.999999), Is.EqualTo(TimeSpan.FromSeconds(4.5)).Within(TimeSpan.FromMilliseconds(1)), "Jitter lengthens by up to half.");
    }

    [Test]
    public void RetryBackoff_BadValues_ThrowNamingTheProperty()
    {
        Assert.That(() => new RetryBackoff { InitialDelay = TimeSpan.FromSeconds(-1) }, Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("InitialDelay"));
        Assert.That(() => new RetryBackoff { MaxDelay = TimeSpan.FromSeconds(-1) }, Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("MaxDelay"));
        Assert.That(() => new RetryBackoff { Multiplier = 0.5 }, Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("Multiplier"));
        Assert.That(() => new RetryBackoff { Multiplier = double.NaN }, Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new RetryBackoff { Jitter = 1.5 }, Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("Jitter"));
        Assert.That(() => RetryBackoff.Default.GetDelay(0, 0.5), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
