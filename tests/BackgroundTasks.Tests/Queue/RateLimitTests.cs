using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BackgroundTasks.Tests.Queue;

[CancelAfter(30_000)]
public sealed class RateLimitTests
{
    private const string Mail = "mail";

    [Test]
    public async Task RateLimit_TenSecondsOfFakeTime_StartsWithinOnePercentOfTheLimit(CancellationToken ct)
    {
        const int workers = 4;
        await using var host = await StartAsync(workers, maxStarts: 10, TimeSpan.FromSeconds(1));
        var limiter = RateLimiterOf(host);
        var starts = new List<DateTimeOffset>();
        for (var i = 0; i < 200; i++)
        {
            await host.Queue.EnqueueAsync(_ =>
            {
                lock (starts)
                {
                    starts.Add(host.Time.GetUtcNow());
                }

                return Task.CompletedTask;
            }, new JobOptions { Queue = Mail }, ct);
        }

        var begin = host.Time.GetUtcNow();
        var step = TimeSpan.FromMilliseconds(250);
        for (var elapsed = TimeSpan.Zero; elapsed < TimeSpan.FromSeconds(10); elapsed += step)
        {
            // The strict limit: ten in each whole second since the first start, none in between.
            var expected = 10 * ((int)elapsed.TotalSeconds + 1);
            await Poll.UntilAsync(() => Count(starts) == expected && limiter.Waiting == workers, $"{expected} starts after {elapsed} with every worker waiting for its turn (seen {Count(starts)})", ct);
            host.Time.Advance(step);
        }

        var inTenSeconds = Count(starts, s => s < begin + TimeSpan.FromSeconds(10));
        Assert.That(inTenSeconds, Is.InRange(99, 101), "10 per second for 10 seconds, within 1 %.");
        for (var i = 10; i < starts.Count; i++)
        {
            Assert.That(starts[i] - starts[i - 10], Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1)), $"No span of one second sees more than 10 starts (start {i}).");
        }
    }

    [Test]
    public async Task RateLimit_FailedAttempt_RetryWaitsForItsTurnToo(CancellationToken ct)
    {
        await using var host = await StartAsync(workers: 1, maxStarts: 1, TimeSpan.FromMinutes(1));
        var limiter = RateLimiterOf(host);
        var attempts = 0;
        var id = await host.Queue.EnqueueAsync(ctx =>
        {
            Interlocked.Increment(ref attempts);
            return ctx.Attempt == 1 ? throw new IOException("the mail server hung up") : Task.CompletedTask;
        }, new JobOptions { Queue = Mail, MaxAttempts = 2, Backoff = new RetryBackoff { InitialDelay = TimeSpan.Zero, Jitter = 0 } }, ct);

        await Poll.UntilAsync(() => limiter.Waiting == 1, "the retry to wait for its turn", ct);
        Assert.That(attempts, Is.EqualTo(1));
        host.Time.Advance(TimeSpan.FromMinutes(1) - TimeSpan.FromTicks(1));
        Assert.That(attempts, Is.EqualTo(1), "Not before a minute has passed since the first attempt.");

        host.Time.Advance(TimeSpan.FromTicks(1));
        var record = await host.Monitor.WaitAsync(id, ct);

        Assert.That(record.Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That(attempts, Is.EqualTo(2));
    }

    [Test]
    public async Task CancelAsync_JobWaitingForItsTurn_EndsCancelledAndWorkerGoesOn([Values] bool sqlite, CancellationToken ct)
    {
        await using var host = await StartAsync(workers: 1, maxStarts: 1, TimeSpan.FromMinutes(1), sqlite: sqlite);
        var limiter = RateLimiterOf(host);
        var ran = new List<string>();
        Func<JobContext, Task> Job(string name) => _ =>
        {
            lock (ran)
            {
                ran.Add(name);
            }

            return Task.CompletedTask;
        };
        var first = await host.Queue.EnqueueAsync(Job("first"), new JobOptions { Queue = Mail }, ct);
        await host.Monitor.WaitAsync(first, ct);
        var waiting = await host.Queue.EnqueueAsync(Job("waiting"), new JobOptions { Queue = Mail }, ct);
        await Poll.UntilAsync(() => limiter.Waiting == 1, "the second job to wait for its turn", ct);

        Assert.That(await host.Monitor.CancelAsync(waiting, ct), Is.True);
        var cancelled = await host.Monitor.WaitAsync(waiting, ct);
        await Poll.UntilAsync(() => limiter.Waiting == 0, "the worker to stop waiting for the cancelled job", ct);
        var third = await host.Queue.EnqueueAsync(Job("third"), new JobOptions { Queue = Mail }, ct);
        await Poll.UntilAsync(() => limiter.Waiting == 1, "the third job to wait for its turn", ct);
        host.Time.Advance(TimeSpan.FromMinutes(1));
        var last = await host.Monitor.WaitAsync(third, ct);

        Assert.That(cancelled.Status, Is.EqualTo(JobStatus.Cancelled));
        Assert.That(cancelled.CancelReason, Is.EqualTo(JobCancelReason.Requested));
        Assert.That(last.Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That(ran, Is.EqualTo(new[] { "first", "third" }), "The cancelled job never ran, and the worker took the next one.");
    }

    [Test]
    public async Task StopAsync_WorkerWaitingForATurn_IsNotBlockedAndJobEndsCancelled([Values] bool sqlite, [Values] ShutdownMode mode, CancellationToken ct)
    {
        await using var host = await StartAsync(workers: 1, maxStarts: 1, TimeSpan.FromHours(1), sqlite: sqlite, configure: o =>
        {
            o.ShutdownMode = mode;
            o.DrainTimeout = TimeSpan.Zero;
        });
        var limiter = RateLimiterOf(host);
        var first = await host.Queue.EnqueueAsync(_ => Task.CompletedTask, new JobOptions { Queue = Mail }, ct);
        await host.Monitor.WaitAsync(first, ct);
        var runs = 0;
        var waiting = await host.Queue.EnqueueAsync(_ =>
        {
            Interlocked.Increment(ref runs);
            return Task.CompletedTask;
        }, new JobOptions { Queue = Mail }, ct);
        await Poll.UntilAsync(() => limiter.Waiting == 1, "the second job to wait for its turn", ct);

        await host.Host.StopAsync(ct);
        var record = await host.Monitor.GetAsync(waiting, ct);

        Assert.That(record!.Status, Is.EqualTo(JobStatus.Cancelled), "A lambda job cannot wait for another host: it ends with this one.");
        Assert.That(record.CancelReason, Is.EqualTo(JobCancelReason.Shutdown));
        Assert.That(runs, Is.Zero);
        Assert.That(limiter.Waiting, Is.Zero);
    }

    [TestCase(0, 1_000, "Queue 'mail': RateLimit.MaxStarts is 0: it must be at least 1")]
    [TestCase(-3, 1_000, "Queue 'mail': RateLimit.MaxStarts is -3: it must be at least 1")]
    [TestCase(10, 0, "Queue 'mail': RateLimit.Period is 00:00:00: it must be positive")]
    [TestCase(10, -1_000, "Queue 'mail': RateLimit.Period is -00:00:01: it must be positive")]
    public void StartAsync_BadRateLimit_FailsNamingTheOption(int maxStarts, int periodMilliseconds, string message)
    {
        var host = JobsHost.Create(build: jobs => jobs.AddQueue(Mail, q => q.RateLimit = new JobRateLimit { MaxStarts = maxStarts, Period = TimeSpan.FromMilliseconds(periodMilliseconds) }));
        try
        {
            var ex = Assert.ThrowsAsync<OptionsValidationException>(() => host.Host.StartAsync());

            Assert.That(ex!.Message, Does.Contain(message));
        }
        finally
        {
            host.Host.Dispose();
        }
    }

    [Test]
    public void JobRateLimit_Defaults_OneSecondPeriodAndNoLimitOnAQueue()
    {
        Assert.That(new JobRateLimit().Period, Is.EqualTo(TimeSpan.FromSeconds(1)));
        Assert.That(new JobQueueOptions().RateLimit, Is.Null);
    }

    private static Task<JobsHost> StartAsync(int workers, int maxStarts, TimeSpan period, bool sqlite = false, Action<BackgroundJobsOptions>? configure = null)
        => JobsHost.StartAsync(
            o =>
            {
                o.ShutdownMode = ShutdownMode.Cancel;
                configure?.Invoke(o);
            },
            build: jobs => jobs.AddQueue(Mail, q =>
            {
                q.Workers = workers;
                q.RateLimit = new JobRateLimit { MaxStarts = maxStarts, Period = period };
            }),
            sqlite: sqlite);

    private static QueueRateLimiter RateLimiterOf(JobsHost host)
        => host.Host.Services.GetRequiredService<JobEngine>().Queues.Single(q => q.Name == Mail).RateLimiter!;

    private static int Count(List<DateTimeOffset> starts, Func<DateTimeOffset, bool>? where = null)
    {
        lock (starts)
        {
            return where is null ? starts.Count : starts.Count(where);
        }
    }
}
