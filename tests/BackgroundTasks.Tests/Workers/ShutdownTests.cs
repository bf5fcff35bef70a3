using Microsoft.Extensions.DependencyInjection;

namespace BackgroundTasks.Tests.Workers;

/// <summary>The shutdown suite, on the in-memory store, on a SQLite file and on a PostgreSQL schema (where the engine claims every job from the store).</summary>
[CancelAfter(20_000)]
[TestFixture(false, false)]
[TestFixture(true, false)]
[TestFixture(false, true)]
public sealed class ShutdownTests(bool sqlite, bool postgres)
{
    [Test]
    public async Task StopAsync_AgainOnceTheHostIsDisposed_ReturnsWithoutThrowing(CancellationToken ct)
    {
        // WebApplicationFactory stops its host, disposes it, and may stop it once more.
        await using var host = await JobsHost.StartAsync(sqlite: sqlite, postgres: postgres);
        var id = await host.Queue.EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct);
        Assert.That((await host.Monitor.WaitAsync(id, ct)).Status, Is.EqualTo(JobStatus.Succeeded));
        await host.Host.StopAsync(ct);
        host.Host.Dispose();

        Assert.That(async () => await host.Host.StopAsync(ct), Throws.Nothing);
    }

    [Test]
    public async Task StopAsync_DrainMode_RunsQueuedJobsBeforeStopping(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync(sqlite: sqlite, postgres: postgres, configure: o =>
        {
            o.Queues["default"].Workers = 1;
            o.ShutdownMode = ShutdownMode.Drain;
        });
        var (running, gate) = await host.StartBlockingJobAsync(ct);
        var queued = new List<JobId>();
        for (var i = 0; i < 5; i++)
        {
            queued.Add(await host.Queue.EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct));
        }

        var stop = host.Host.StopAsync(ct);
        Assert.That(stop.IsCompleted, Is.False, "Stopping waits for the running job.");
        gate.SetResult();
        await stop.WaitAsync(ct);

        Assert.That(host.Store.Get(running).Status, Is.EqualTo(JobStatus.Succeeded));
        if (sqlite || postgres)
        {
            // A durable store holds the queue: the drain finishes what this host claimed, and stops claiming. A
            // typed job would wait in the file for the next start; these lambdas' code ends with the process.
            Assert.That(queued.Select(id => (host.Store.Get(id).Status, host.Store.Get(id).CancelReason)), Is.All.EqualTo((JobStatus.Cancelled, JobCancelReason.Shutdown)));
        }
        else
        {
            Assert.That(queued.Select(id => host.Store.Get(id).Status), Is.All.EqualTo(JobStatus.Succeeded), "Drain runs what was queued.");
        }
    }

    [Test]
    public async Task StopAsync_CancelMode_RecordsQueuedJobsCancelledAndLetsRunningOneFinish(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync(sqlite: sqlite, postgres: postgres, configure: o =>
        {
            o.Queues["default"].Workers = 1;
            o.ShutdownMode = ShutdownMode.Cancel;
        });
        var (running, gate) = await host.StartBlockingJobAsync(ct);
        var ran = 0;
        var queued = new List<JobId>();
        for (var i = 0; i < 5; i++)
        {
            queued.Add(await host.Queue.EnqueueAsync(_ =>
            {
                Interlocked.Increment(ref ran);
                return Task.CompletedTask;
            }, cancellationToken: ct));
        }

        var stop = host.Host.StopAsync(ct);
        gate.SetResult();
        await stop.WaitAsync(ct);

        Assert.That(host.Store.Get(running).Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That(queued.Select(id => host.Store.Get(id).Status), Is.All.EqualTo(JobStatus.Cancelled));
        Assert.That(ran, Is.Zero);
        Assert.That(host.Store.Get(queued[0]).Error!.Message, Does.Contain("host stopped"));
        Assert.That(queued.Select(id => host.Store.Get(id).CancelReason), Is.All.EqualTo(JobCancelReason.Shutdown));
    }

    [Test]
    public async Task StopAsync_CancelMode_RecordsQueuedJobsCancelledAtOnceWhileTheRunningJobStillRuns(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync(sqlite: sqlite, postgres: postgres, configure: o =>
        {
            o.Queues["default"].Workers = 1;
            o.ShutdownMode = ShutdownMode.Cancel;
        });
        var (running, gate) = await host.StartBlockingJobAsync(ct);
        var queued = new List<JobId>();
        for (var i = 0; i < 5; i++)
        {
            queued.Add(await host.Queue.EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct));
        }

        var stop = host.Host.StopAsync(ct);
        await host.Store.WaitUntilAsync(() => queued.All(id => host.Store.Get(id).Status == JobStatus.Cancelled), "the queued jobs to be recorded cancelled", ct);

        Assert.That(stop.IsCompleted, Is.False, "The running job still holds the stop.");
        Assert.That(host.Store.Get(running).Status, Is.EqualTo(JobStatus.Running));
        gate.SetResult();
        await stop.WaitAsync(ct);
        Assert.That(host.Store.Get(running).Status, Is.EqualTo(JobStatus.Succeeded));
    }

    [Test]
    public async Task StopAsync_JobFailsDuringTheDrainWithAttemptsLeft_RecordedCancelledAsAJobWaitingToRetry(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync(sqlite: sqlite, postgres: postgres, configure: o => o.ShutdownMode = ShutdownMode.Drain);
        var fail = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var runs = 0;
        var id = await host.Queue.EnqueueAsync(
            async _ =>
            {
                Interlocked.Increment(ref runs);
                started.TrySetResult();
                await fail.Task;
                throw new InvalidOperationException("the mail server is down");
            },
            new JobOptions { MaxAttempts = 3, Backoff = new RetryBackoff { InitialDelay = TimeSpan.Zero, Jitter = 0 } },
            ct);
        await started.Task.WaitAsync(ct);

        var stop = host.Host.StopAsync(ct);

        // The job fails during the drain: once the engine closed (before that, its retry could be claimed and run as usual).
        await Poll.UntilAsync(() => host.Host.Services.GetRequiredService<JobEngine>().IsClosed, "the engine to close", ct);
        fail.SetResult();
        await stop.WaitAsync(ct);

        var record = host.Store.Get(id);
        if (postgres && record.Attempt == 2)
        {
            // Across the network, a claim sent just before the engine closed may reach the server after the failure was
            // written: it claims the retry, which never runs and ends with the host.
            Assert.That((record.Status, record.CancelReason, runs), Is.EqualTo((JobStatus.Cancelled, JobCancelReason.Shutdown, 1)));
            return;
        }

        Assert.That((record.Status, record.CancelReason, record.Attempt, runs), Is.EqualTo((JobStatus.Cancelled, JobCancelReason.Shutdown, 1, 1)));
        Assert.That(record.Error!.Message, Does.Contain("waited to retry, after attempt 1 of 3"));
        Assert.That(host.Store.Transitions.Where(change => change.Id == id).Select(static change => change.Status), Is.EqualTo(new[] { JobStatus.Queued, JobStatus.Running, JobStatus.Retrying, JobStatus.Cancelled }));
    }

    [Test]
    public async Task StopAsync_RunningJobPastDrainTimeout_TokenFiresAndJobIsCancelled(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync(sqlite: sqlite, postgres: postgres, configure: o => o.DrainTimeout = TimeSpan.FromSeconds(10));
        var started = new TaskCompletionSource();
        var id = await host.Queue.EnqueueAsync(async ctx =>
        {
            started.SetResult();
            await Until.Cancelled(ctx.CancellationToken);
        }, new JobOptions { MaxAttempts = 3 }, ct);
        await started.Task.WaitAsync(ct);

        var stop = host.Host.StopAsync(ct);
        await host.Time.WaitForTimerAsync(TimeSpan.FromSeconds(10), ct);
        host.Time.Advance(TimeSpan.FromSeconds(9));
        Assert.That(stop.IsCompleted, Is.False);
        host.Time.Advance(TimeSpan.FromSeconds(1));
        await stop.WaitAsync(ct);

        var record = host.Store.Get(id);
        Assert.That(record.Status, Is.EqualTo(JobStatus.Cancelled), "Shutdown cancels, it does not retry.");
        Assert.That(record.Attempt, Is.EqualTo(1));
    }

    [Test]
    public async Task StopAsync_JobIgnoresItsToken_ShutdownEndsWhenHostGivesUpAndJobIsRecordedCancelled(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync(sqlite: sqlite, postgres: postgres, configure: o => o.DrainTimeout = TimeSpan.FromSeconds(1));
        var started = new TaskCompletionSource();
        var tokenFired = new TaskCompletionSource();
        var never = new TaskCompletionSource();
        var id = await host.Queue.EnqueueAsync(async ctx =>
        {
            ctx.CancellationToken.Register(() => tokenFired.TrySetResult());
            started.SetResult();
            await never.Task;
        }, cancellationToken: ct);
        await started.Task.WaitAsync(ct);
        using var hostGivesUp = new CancellationTokenSource();

        var stop = host.Host.StopAsync(hostGivesUp.Token);
        await host.Time.WaitForTimerAsync(TimeSpan.FromSeconds(1), ct);
        host.Time.Advance(TimeSpan.FromSeconds(1));
        await tokenFired.Task.WaitAsync(ct);
        Assert.That(stop.IsCompleted, Is.False, "The job ignores its token; shutdown waits until the host's timeout.");
        await hostGivesUp.CancelAsync();
        await stop.WaitAsync(ct);

        var record = host.Store.Get(id);
        Assert.That(record.Status, Is.EqualTo(JobStatus.Cancelled));
        Assert.That(record.Error!.Message, Does.Contain("shutdown timeout"));
        never.SetResult();
    }

    [Test]
    public async Task StopAsync_DelayedAndRetryingJobs_AreRecordedCancelled(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync(sqlite: sqlite, postgres: postgres);
        var delayed = await host.Queue.EnqueueAsync(_ => Task.CompletedTask, new JobOptions { Delay = TimeSpan.FromHours(1) }, ct);
        var retrying = await host.Queue.EnqueueAsync(_ => throw new IOException("down"), new JobOptions { MaxAttempts = 2 }, ct);
        await host.Store.WaitForStatusAsync(retrying, JobStatus.Retrying, ct);

        await host.Host.StopAsync(ct);

        Assert.That(host.Store.Get(delayed).Status, Is.EqualTo(JobStatus.Cancelled));
        Assert.That(host.Store.Get(delayed).Error!.Message, Does.Contain("before the job ran"));
        Assert.That(host.Store.Get(retrying).Status, Is.EqualTo(JobStatus.Cancelled));
        Assert.That(host.Store.Get(retrying).Error!.Message, Does.Contain("waited to retry, after attempt 1"));
    }

    [Test]
    public async Task EnqueueAsync_AfterStop_ThrowsClearly(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync(sqlite: sqlite, postgres: postgres);
        await host.Host.StopAsync(ct);

        Assert.That(async () => await host.Queue.EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct),
            Throws.InvalidOperationException.With.Message.Contains("shut down"));
        Assert.That(() => host.Queue.TryEnqueue(_ => Task.CompletedTask, out _),
            Throws.InvalidOperationException.With.Message.Contains("shut down"));
    }

    [Test]
    public async Task StopAsync_ProducerWaitingForSpace_FailsClearly(CancellationToken ct)
    {
        await using var host = JobsHost.Create(sqlite: sqlite, postgres: postgres, configure: o =>
        {
            o.Queues["default"].Workers = 1;
            o.Queues["default"].Capacity = 1;
        });
        await host.Host.StartAsync(ct);
        var (_, gate) = await host.StartBlockingJobAsync(ct);
        await host.Queue.EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct);
        var waiting = host.Queue.EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct).AsTask();
        Assert.That(waiting.IsCompleted, Is.False);

        var stop = host.Host.StopAsync(ct);

        Assert.That(async () => await waiting, Throws.InvalidOperationException.With.Message.Contains("shut down"));
        gate.SetResult();
        await stop.WaitAsync(ct);
    }

    [Test]
    public async Task StopAsync_EveryAcceptedJobEndsInExactlyOneTerminalStatus(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync(sqlite: sqlite, postgres: postgres, configure: o =>
        {
            o.Queues["default"].Workers = 2;
            o.ShutdownMode = ShutdownMode.Cancel;
            o.DrainTimeout = TimeSpan.Zero;
        });
        var ids = new List<JobId>();
        for (var i = 0; i < 200; i++)
        {
            var n = i;
            ids.Add(await host.Queue.EnqueueAsync(async ctx =>
            {
                if (n % 3 == 0)
                {
                    throw new InvalidOperationException("boom");
                }

                await Until.Cancelled(ctx.CancellationToken);
            }, new JobOptions { Delay = n % 10 == 0 ? TimeSpan.FromMinutes(1) : null }, ct));
        }

        await host.Host.StopAsync(ct);

        foreach (var id in ids)
        {
            var terminal = host.Store.StatusesOf(id).Where(s => s.IsTerminal()).ToList();
            Assert.That(terminal, Has.Count.EqualTo(1), $"Job {id} must end exactly once.");
        }

        Assert.That(host.Host.Services.GetRequiredService<JobEngine>().AliveCount, Is.Zero);
    }
}
