using System.Threading.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BackgroundTasks.Tests.Queue;

[CancelAfter(30_000)]
public sealed class PluggedRateLimiterTests
{
    private const string Mail = "mail";

    [Test]
    public async Task RateLimiter_ConcurrencyLimiterOfOne_NeverRunsTwoAttemptsAtOnce(CancellationToken ct)
    {
        const int workers = 4;
        const int jobs = 6;
        using var permits = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = 1, QueueLimit = 100 });
        await using var host = await StartAsync(workers, permits);
        var limiter = RateLimiterOf(host);
        var proceed = System.Threading.Channels.Channel.CreateUnbounded<bool>();
        var running = 0;
        var mostAtOnce = 0;
        var started = 0;
        var failedOnce = 0;
        var ids = new List<JobId>();
        for (var i = 0; i < jobs; i++)
        {
            ids.Add(await host.Queue.EnqueueAsync(async ctx =>
            {
                var now = Interlocked.Increment(ref running);
                InterlockedMax(ref mostAtOnce, now);
                Interlocked.Increment(ref started);
                await proceed.Reader.ReadAsync(ctx.CancellationToken);
                Interlocked.Decrement(ref running);
                if (Interlocked.Exchange(ref failedOnce, 1) == 0)
                {
                    throw new IOException("the first attempt fails: its retry passes the limiter too");
                }
            }, new JobOptions { Queue = Mail, MaxAttempts = 2, Backoff = new RetryBackoff { InitialDelay = TimeSpan.Zero, Jitter = 0 } }, ct));
        }

        // One attempt more than jobs: the first one's retry.
        for (var attempt = 1; attempt <= jobs + 1; attempt++)
        {
            var waiting = Math.Min(workers - 1, jobs + 1 - attempt);
            await Poll.UntilAsync(() => Volatile.Read(ref started) == attempt && limiter.Waiting == waiting, $"attempt {attempt} to run while {waiting} workers wait for the permit (started {Volatile.Read(ref started)}, waiting {limiter.Waiting})", ct);
            Assert.That(Volatile.Read(ref running), Is.EqualTo(1));
            proceed.Writer.TryWrite(true);
        }

        foreach (var id in ids)
        {
            Assert.That((await host.Monitor.WaitAsync(id, ct)).Status, Is.EqualTo(JobStatus.Succeeded), "Nothing is dropped for the limiter.");
        }

        Assert.That(mostAtOnce, Is.EqualTo(1));
        Assert.That(permits.GetStatistics()!.CurrentAvailablePermits, Is.EqualTo(1), "Every lease is given back when its attempt ends.");
    }

    [Test]
    public async Task RateLimiter_LeaseRefused_JobWaitsOnTheClockAndRunsLater(CancellationToken ct)
    {
        // No queue in the limiter: a second worker is refused and asks again a second later on the engine's clock.
        using var permits = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = 1, QueueLimit = 0 });
        await using var host = await StartAsync(workers: 2, permits);
        var limiter = RateLimiterOf(host);
        var release = new TaskCompletionSource();
        var first = await host.Queue.EnqueueAsync(_ => release.Task, new JobOptions { Queue = Mail }, ct);
        await Poll.UntilAsync(() => permits.GetStatistics()!.CurrentAvailablePermits == 0, "the first job to hold the permit", ct);
        var secondRan = false;
        var second = await host.Queue.EnqueueAsync(_ =>
        {
            secondRan = true;
            return Task.CompletedTask;
        }, new JobOptions { Queue = Mail }, ct);
        await Poll.UntilAsync(() => limiter.Waiting == 1, "the second job to wait for a permit", ct);
        await host.Time.WaitForTimerAsync(QueueRateLimiter.DefaultRetryAfter, ct);

        release.SetResult();
        await host.Monitor.WaitAsync(first, ct);
        Assert.That(secondRan, Is.False, "A refused lease waits for its retry time, not for the permit.");
        Assert.That((await host.Monitor.GetAsync(second, ct))!.Status, Is.EqualTo(JobStatus.Queued));

        host.Time.Advance(QueueRateLimiter.DefaultRetryAfter);
        var record = await host.Monitor.WaitAsync(second, ct);

        Assert.That(record.Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That(limiter.Waiting, Is.Zero);
    }

    [Test]
    public async Task CancelAsync_JobWaitingForAPermit_EndsCancelledWithoutRunning([Values] bool sqlite, CancellationToken ct)
    {
        using var permits = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = 1, QueueLimit = 10 });
        await using var host = await StartAsync(workers: 2, permits, sqlite);
        var limiter = RateLimiterOf(host);
        var release = new TaskCompletionSource();
        var first = await host.Queue.EnqueueAsync(_ => release.Task, new JobOptions { Queue = Mail }, ct);
        await Poll.UntilAsync(() => permits.GetStatistics()!.CurrentAvailablePermits == 0, "the first job to hold the permit", ct);
        var runs = 0;
        var waiting = await host.Queue.EnqueueAsync(_ =>
        {
            Interlocked.Increment(ref runs);
            return Task.CompletedTask;
        }, new JobOptions { Queue = Mail }, ct);
        await Poll.UntilAsync(() => limiter.Waiting == 1, "the second job to wait for a permit", ct);

        Assert.That(await host.Monitor.CancelAsync(waiting, ct), Is.True);
        var cancelled = await host.Monitor.WaitAsync(waiting, ct);
        await Poll.UntilAsync(() => limiter.Waiting == 0, "the worker to stop waiting for the cancelled job", ct);
        release.SetResult();
        var done = await host.Monitor.WaitAsync(first, ct);

        Assert.That(cancelled.Status, Is.EqualTo(JobStatus.Cancelled));
        Assert.That(cancelled.CancelReason, Is.EqualTo(JobCancelReason.Requested));
        Assert.That(done.Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That(runs, Is.Zero);
        await Poll.UntilAsync(() => permits.GetStatistics()!.CurrentAvailablePermits == 1, "the permit to come back, none taken by the cancelled job", ct);
    }

    [Test]
    public async Task StopAsync_JobsWaitingForAPermit_EndCancelledAndShutdownIsNotBlocked([Values] bool sqlite, CancellationToken ct)
    {
        using var permits = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = 1, QueueLimit = 10 });
        await using var host = await StartAsync(workers: 3, permits, sqlite, o =>
        {
            o.ShutdownMode = ShutdownMode.Cancel;
            o.DrainTimeout = TimeSpan.Zero;
        });
        var limiter = RateLimiterOf(host);
        var running = await host.Queue.EnqueueAsync(ctx => Until.Cancelled(ctx.CancellationToken), new JobOptions { Queue = Mail }, ct);
        await Poll.UntilAsync(() => permits.GetStatistics()!.CurrentAvailablePermits == 0, "the first job to hold the permit", ct);
        var runs = 0;
        var waiting = new List<JobId>();
        for (var i = 0; i < 2; i++)
        {
            waiting.Add(await host.Queue.EnqueueAsync(_ =>
            {
                Interlocked.Increment(ref runs);
                return Task.CompletedTask;
            }, new JobOptions { Queue = Mail }, ct));
        }

        await Poll.UntilAsync(() => limiter.Waiting == 2, "two jobs to wait for a permit", ct);

        await host.Host.StopAsync(ct);

        foreach (var id in waiting.Append(running))
        {
            var record = await host.Monitor.GetAsync(id, ct);
            Assert.That(record!.Status, Is.EqualTo(JobStatus.Cancelled), $"Job {id} ends with the host.");
            Assert.That(record.CancelReason, Is.EqualTo(JobCancelReason.Shutdown));
        }

        Assert.That(runs, Is.Zero);
        Assert.That(limiter.Waiting, Is.Zero);
        Assert.That(permits.GetStatistics()!.CurrentAvailablePermits, Is.EqualTo(1), "The running job's lease is given back when its attempt ends.");
    }

    [Test]
    public void StartAsync_RateLimitAndRateLimiterBoth_FailsNamingBoth()
    {
        using var permits = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = 1 });
        var host = JobsHost.Create(build: jobs => jobs.AddQueue(Mail, q =>
        {
            q.RateLimit = new JobRateLimit { MaxStarts = 10 };
            q.RateLimiter = permits;
        }));
        try
        {
            var ex = Assert.ThrowsAsync<OptionsValidationException>(() => host.Host.StartAsync());

            Assert.That(ex!.Message, Does.Contain("Queue 'mail': both RateLimit and RateLimiter are set: keep one"));
        }
        finally
        {
            host.Host.Dispose();
        }
    }

    private static Task<JobsHost> StartAsync(int workers, RateLimiter limiter, bool sqlite = false, Action<BackgroundJobsOptions>? configure = null)
        => JobsHost.StartAsync(
            o =>
            {
                o.ShutdownMode = ShutdownMode.Cancel;
                configure?.Invoke(o);
            },
            build: jobs => jobs.AddQueue(Mail, q =>
            {
                q.Workers = workers;
                q.RateLimiter = limiter;
            }),
            sqlite: sqlite);

    private static QueueRateLimiter RateLimiterOf(JobsHost host)
        => host.Host.Services.GetRequiredService<JobEngine>().Queues.Single(q => q.Name == Mail).RateLimiter!;

    private static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen && Interlocked.CompareExchange(ref target, value, seen) is var now && now != seen)
        {
            seen = now;
        }
    }
}
