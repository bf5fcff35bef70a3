using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;

namespace BackgroundTasks.Tests.Store;

/// <summary>
/// With the default <see cref="InMemoryJobStore"/> the live job is its own store entry: workers start and
/// finish it, record included, in one step, finish jobs that complete at once without async code, reuse
/// token sources and clock readings from one job to the next, and let go of a finished job's delegate.
/// These tests run that path end to end through a real host and check what a user relies on.
/// </summary>
[CancelAfter(30_000)]
public sealed class DefaultStoreHotPathTests
{
    private static readonly DateTimeOffset s_start = DefaultStoreHost.Start;

    // Due times no other timer of these tests uses, so that WaitForTimerAsync finds the back-off timer.
    private static readonly RetryBackoff s_sevenSecondsDoubling = new() { InitialDelay = TimeSpan.FromSeconds(7), Multiplier = 2, Jitter = 0 };

    // 1. Jobs that complete at once.
    [Test]
    public async Task EnqueueAsync_JobCompletesSynchronously_RecordedSucceededWithResultAndOrderedTimestamps(CancellationToken ct)
    {
        await using var host = DefaultStoreHost.Create(o => o.Queues["default"].Workers = 1);
        Assert.That(host.Host.Services.GetRequiredService<IJobStore>(), Is.InstanceOf<InMemoryJobStore>(), "No custom store: the fast path.");
        var first = await host.Queue.EnqueueAsync(_ =>
        {
            host.Clock.Advance(TimeSpan.FromSeconds(2));
            return Task.FromResult(42);
        }, new JobOptions { Name = "answer" }, ct);
        var second = await host.Queue.EnqueueAsync(_ => Task.FromResult("done"), cancellationToken: ct);
        host.Clock.Advance(TimeSpan.FromSeconds(1));

        await host.Host.StartAsync(ct);
        var record = await host.Monitor.WaitAsync(first, ct);
        var next = await host.Monitor.WaitAsync(second, ct);

        Assert.That(record.Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That(record.Attempt, Is.EqualTo(1));
        Assert.That(record.Name, Is.EqualTo("answer"));
        Assert.That(record.Result, Is.EqualTo(42));
        Assert.That(record.Error, Is.Null);
        Assert.That(record.EnqueuedAt, Is.EqualTo(s_start));
        Assert.That(record.StartedAt, Is.EqualTo(s_start + TimeSpan.FromSeconds(1)), "Started when the worker took it, a second after it was enqueued.");
        Assert.That(record.FinishedAt, Is.EqualTo(s_start + TimeSpan.FromSeconds(3)), "The job ran for two seconds of the clock.");

        Assert.That(next.Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That(next.Result, Is.EqualTo("done"));
        Assert.That(next.EnqueuedAt, Is.EqualTo(s_start));
        Assert.That(next.StartedAt, Is.EqualTo(record.FinishedAt), "Back to back on one worker: it started when the first one finished.");
        Assert.That(next.FinishedAt, Is.GreaterThanOrEqualTo(next.StartedAt));
        Assert.That(host.Engine.AliveCount, Is.Zero);
    }

    [TestCase(false, TestName = "EnqueueAsync_TenThousandBackToBackJobsOnTwoWorkers_AllSucceededWithConsistentTimestamps_FakeClockMovingOnEveryReading")]
    [TestCase(true, TestName = "EnqueueAsync_TenThousandBackToBackJobsOnTwoWorkers_AllSucceededWithConsistentTimestamps_SystemClockTokenSourcesReused")]
    [CancelAfter(120_000)]
    public async Task EnqueueAsync_TenThousandBackToBackJobsOnTwoWorkers_AllSucceededWithConsistentTimestamps(bool systemClock, CancellationToken ct)
    {
        const int Jobs = 10_000;
        TimeProvider time = systemClock ? TimeProvider.System : new TestClock(s_start)
        {
            // Every clock reading moves time on, so timestamps taken at different moments differ.
            AutoAdvanceAmount = TimeSpan.FromTicks(1),
        };
        await using var host = await DefaultStoreHost.StartAsync(
            o => o.Queues["default"].Workers = 2,
            b => b.ConfigureInMemoryStore(s => s.MaxFinishedJobs = 2 * Jobs),
            time);
        var ran = 0;
        var ids = new JobId[Jobs];
        for (var i = 0; i < Jobs; i++)
        {
            var value = i;
            ids[i] = await host.Queue.EnqueueAsync(_ =>
            {
                Interlocked.Increment(ref ran);
                return Task.FromResult(value);
            }, cancellationToken: ct);
        }

        var wrong = new List<string>();
        for (var i = 0; i < Jobs; i++)
        {
            var record = await host.Monitor.WaitAsync(ids[i], ct);
            if (record.Status != JobStatus.Succeeded || record.Attempt != 1 || !Equals(record.Result, i)
                || record.StartedAt is not { } started || record.FinishedAt is not { } finished
                || started < record.EnqueuedAt || finished < started)
            {
                wrong.Add($"#{i}: {record.Status}, attempt {record.Attempt}, result {record.Result}, enqueued {record.EnqueuedAt.Ticks}, started {record.StartedAt?.Ticks}, finished {record.FinishedAt?.Ticks}");
            }
        }

        Assert.That(wrong, Is.Empty, $"{wrong.Count} jobs have a wrong record; the first: {string.Join(" | ", wrong.Take(5))}");
        Assert.That(ran, Is.EqualTo(Jobs), "Each job ran once.");
        Assert.That(host.Engine.AliveCount, Is.Zero);
        Assert.That(host.Store.Count, Is.EqualTo(Jobs), "Within the retention limit, every finished job is kept.");
    }

    [Test]
    public async Task WatchAsync_QueuedJobThatCompletesAtOnce_EndsWithTheSucceededRecord(CancellationToken ct)
    {
        await using var host = await DefaultStoreHost.StartAsync(o => o.Queues["default"].Workers = 1);
        var (blocker, release) = await host.StartBlockingJobAsync(ct);
        var id = await host.Queue.EnqueueAsync(_ => Task.FromResult(7), cancellationToken: ct);

        var watch = BackgroundWatch.Start(host.Monitor, id, ct);
        await watch.FirstSeen.WaitAsync(ct);
        release.SetResult();
        await watch.Completion.WaitAsync(ct);
        var seen = watch.Records;

        Assert.That(seen[0].Status, Is.EqualTo(JobStatus.Queued));
        Assert.That(seen[^1].Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That(seen[^1].Result, Is.EqualTo(7));
        Assert.That((await host.Monitor.WaitAsync(blocker, ct)).Status, Is.EqualTo(JobStatus.Succeeded));
    }

    [Test]
    public async Task EnqueueAsync_DelayedJob_RecordedScheduledThenRunsWhenDue(CancellationToken ct)
    {
        await using var host = await DefaultStoreHost.StartAsync();
        var id = await host.Queue.EnqueueAsync(_ => Task.FromResult("later"), new JobOptions { Delay = TimeSpan.FromMinutes(5) }, ct);

        var scheduled = host.Record(id)!;
        Assert.That(scheduled.Status, Is.EqualTo(JobStatus.Scheduled));
        Assert.That(scheduled.ScheduledAt, Is.EqualTo(s_start + TimeSpan.FromMinutes(5)));
        host.Clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1));
        Assert.That(host.Record(id)!.Status, Is.EqualTo(JobStatus.Scheduled), "Not due yet.");
        host.Clock.Advance(TimeSpan.FromTicks(1));
        var record = await host.Monitor.WaitAsync(id, ct);

        Assert.That(record.Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That(record.Result, Is.EqualTo("later"));
        Assert.That(record.ScheduledAt, Is.Null);
        Assert.That(record.EnqueuedAt, Is.EqualTo(s_start));
        Assert.That(record.StartedAt, Is.EqualTo(s_start + TimeSpan.FromMinutes(5)));
    }

    // 2. Failures, retries and timeouts.
    [Test]
    public async Task FailingJob_ThreeAttempts_RetriedAfterBackoffThenRecordedFailedWithLastError(CancellationToken ct)
    {
        await using var host = await DefaultStoreHost.StartAsync();
        var attempts = new ConcurrentQueue<int>();
        var id = await host.Queue.EnqueueAsync(ctx =>
        {
            attempts.Enqueue(ctx.Attempt);
            throw new InvalidOperationException($"upstream refused attempt {ctx.Attempt}");
        }, new JobOptions { MaxAttempts = 3, Backoff = s_sevenSecondsDoubling }, ct);

        var retrying = await host.WaitForRecordAsync(id, r => r.Status == JobStatus.Retrying && r.Attempt == 1, "the first attempt to fail", ct);
        Assert.That(retrying.Error!.Message, Is.EqualTo("upstream refused attempt 1"));
        Assert.That(retrying.Error.Type, Is.EqualTo("System.InvalidOperationException"));
        Assert.That(retrying.ScheduledAt, Is.EqualTo(s_start + TimeSpan.FromSeconds(7)));
        await host.Clock.WaitForTimerAsync(TimeSpan.FromSeconds(7), ct);
        host.Clock.Advance(TimeSpan.FromSeconds(7) - TimeSpan.FromTicks(1));
        Assert.That(host.Record(id)!.Status, Is.EqualTo(JobStatus.Retrying), "Not due yet.");
        host.Clock.Advance(TimeSpan.FromTicks(1));

        var second = await host.WaitForRecordAsync(id, r => r.Status == JobStatus.Retrying && r.Attempt == 2, "the second attempt to fail", ct);
        Assert.That(second.ScheduledAt, Is.EqualTo(s_start + TimeSpan.FromSeconds(21)), "The delay doubles.");
        await host.Clock.WaitForTimerAsync(TimeSpan.FromSeconds(14), ct);
        host.Clock.Advance(TimeSpan.FromSeconds(14));
        var final = await host.Monitor.WaitAsync(id, ct);

        Assert.That(final.Status, Is.EqualTo(JobStatus.Failed));
        Assert.That(final.Attempt, Is.EqualTo(3));
        Assert.That(final.MaxAttempts, Is.EqualTo(3));
        Assert.That(final.Error!.Message, Is.EqualTo("upstream refused attempt 3"));
        Assert.That(final.Error.TimedOut, Is.False, "The job failed; it did not time out.");
        Assert.That(final.ScheduledAt, Is.Null);
        Assert.That(final.StartedAt, Is.EqualTo(s_start + TimeSpan.FromSeconds(21)));
        Assert.That(final.FinishedAt, Is.EqualTo(s_start + TimeSpan.FromSeconds(21)));
        Assert.That(attempts, Is.EqualTo(new[] { 1, 2, 3 }));
    }

    [Test]
    public async Task FailingJob_SucceedsOnSecondAttempt_RecordedSucceeded(CancellationToken ct)
    {
        await using var host = await DefaultStoreHost.StartAsync();
        var id = await host.Queue.EnqueueAsync(async ctx =>
        {
            await Task.Yield();
            if (ctx.Attempt == 1)
            {
                throw new IOException("flaky disk");
            }

            return "recovered";
        }, new JobOptions { MaxAttempts = 3, Backoff = s_sevenSecondsDoubling }, ct);

        var retrying = await host.WaitForRecordAsync(id, r => r.Status == JobStatus.Retrying, "the first attempt to fail", ct);
        Assert.That(retrying.Error!.Type, Is.EqualTo("System.IO.IOException"));
        Assert.That(retrying.Error.Message, Is.EqualTo("flaky disk"));
        await host.Clock.WaitForTimerAsync(TimeSpan.FromSeconds(7), ct);
        host.Clock.Advance(TimeSpan.FromSeconds(7));
        var record = await host.Monitor.WaitAsync(id, ct);

        Assert.That(record.Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That(record.Attempt, Is.EqualTo(2));
        Assert.That(record.Result, Is.EqualTo("recovered"));
        Assert.That(record.StartedAt, Is.EqualTo(s_start + TimeSpan.FromSeconds(7)));
    }

    [Test]
    public async Task Job_RunsPastItsTimeout_TokenFiresAndRecordedTimedOut(CancellationToken ct)
    {
        await using var host = await DefaultStoreHost.StartAsync();
        var id = await host.Queue.StartCancellableJobAsync(new JobOptions { Timeout = TimeSpan.FromSeconds(30) }, ct);

        host.Clock.Advance(TimeSpan.FromSeconds(29));
        Assert.That(host.Record(id)!.Status, Is.EqualTo(JobStatus.Running));
        host.Clock.Advance(TimeSpan.FromSeconds(1));
        var record = await host.Monitor.WaitAsync(id, ct);

        Assert.That(record.Status, Is.EqualTo(JobStatus.Failed));
        Assert.That(record.Attempt, Is.EqualTo(1));
        Assert.That(record.Error!.TimedOut, Is.True);
        Assert.That(record.Error.Type, Is.EqualTo("System.TimeoutException"));
        Assert.That(record.Error.Message, Does.Contain("timed out").And.Contain("00:00:30"));
    }

    [Test]
    public async Task Job_WithTimeoutCompletesAtOnce_NextJobOnTheWorkerIsNotCancelledWhenThatTimeoutPasses(CancellationToken ct)
    {
        await using var host = await DefaultStoreHost.StartAsync(o => o.Queues["default"].Workers = 1);
        var quick = await host.Queue.EnqueueAsync(_ => Task.CompletedTask, new JobOptions { Timeout = TimeSpan.FromSeconds(30) }, ct);
        Assert.That((await host.Monitor.WaitAsync(quick, ct)).Status, Is.EqualTo(JobStatus.Succeeded));

        // Whether the worker reuses its token source or makes a new one (CancellationTokenSource.TryReset refuses a
        // source whose timer was ever armed), the 30-second timeout armed for the quick job must not reach this one.
        var started = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);
        var finish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var slow = await host.Queue.EnqueueAsync(async ctx =>
        {
            started.SetResult(ctx.CancellationToken);
            await finish.Task;
            ctx.CancellationToken.ThrowIfCancellationRequested();
        }, cancellationToken: ct);
        var token = await started.Task.WaitAsync(ct);
        host.Clock.Advance(TimeSpan.FromMinutes(1));

        Assert.That(token.IsCancellationRequested, Is.False, "The previous job's timeout fired on this job's token.");
        finish.SetResult();
        var record = await host.Monitor.WaitAsync(slow, ct);
        Assert.That(record.Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That(record.Error, Is.Null);
    }

    // 3. Cancel by id.
    [Test]
    public async Task CancelAsync_QueuedJob_NeverRunsAndIsRecordedCancelled(CancellationToken ct)
    {
        await using var host = DefaultStoreHost.Create(o => o.Queues["default"].Workers = 1);
        var ran = 0;
        var id = await host.Queue.EnqueueAsync(_ =>
        {
            Interlocked.Increment(ref ran);
            return Task.CompletedTask;
        }, cancellationToken: ct);
        var marker = await host.Queue.EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct);

        Assert.That(await host.Monitor.CancelAsync(id, ct), Is.True);
        Assert.That(host.Record(id)!.Status, Is.EqualTo(JobStatus.Cancelled), "A waiting job is recorded cancelled at once.");
        await host.Host.StartAsync(ct);
        Assert.That((await host.Monitor.WaitAsync(marker, ct)).Status, Is.EqualTo(JobStatus.Succeeded));

        var record = await host.Monitor.WaitAsync(id, ct);
        Assert.That(record.Status, Is.EqualTo(JobStatus.Cancelled));
        Assert.That(record.Attempt, Is.Zero, "It never started.");
        Assert.That(record.StartedAt, Is.Null);
        Assert.That(ran, Is.Zero);
        Assert.That(await host.Monitor.CancelAsync(id, ct), Is.False, "Cancelled is final.");
    }

    [Test]
    public async Task CancelAsync_RunningJob_FiresItsTokenAndRecordsCancelledWithoutRetry(CancellationToken ct)
    {
        await using var host = await DefaultStoreHost.StartAsync();
        var id = await host.Queue.StartCancellableJobAsync(new JobOptions { MaxAttempts = 3 }, ct);

        Assert.That(await host.Monitor.CancelAsync(id, ct), Is.True);
        var record = await host.Monitor.WaitAsync(id, ct);

        Assert.That(record.Status, Is.EqualTo(JobStatus.Cancelled));
        Assert.That(record.Attempt, Is.EqualTo(1), "A cancelled job is not retried.");
        Assert.That(record.Error, Is.Null);
        Assert.That(await host.Monitor.CancelAsync(id, ct), Is.False);
    }

    [Test]
    public async Task CancelAsync_NextJobOnTheWorker_DoesNotRunCallbacksThatAFinishedJobRegistered(CancellationToken ct)
    {
        // The system clock: only then does the worker reset and reuse its token source (see DefaultStoreHost).
        await using var host = await DefaultStoreHost.StartAsync(o => o.Queues["default"].Workers = 1, time: TimeProvider.System);
        var staleCallbackRan = 0;
        var first = await host.Queue.EnqueueAsync(ctx =>
        {
            ctx.CancellationToken.Register(() => Interlocked.Increment(ref staleCallbackRan));
            return Task.CompletedTask;
        }, cancellationToken: ct);
        Assert.That((await host.Monitor.WaitAsync(first, ct)).Status, Is.EqualTo(JobStatus.Succeeded));

        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var second = await host.Queue.EnqueueAsync(async ctx =>
        {
            started.SetResult();
            await Until.Cancelled(ctx.CancellationToken);
        }, cancellationToken: ct);
        await started.Task.WaitAsync(ct);
        Assert.That(await host.Monitor.CancelAsync(second, ct), Is.True);

        Assert.That((await host.Monitor.WaitAsync(second, ct)).Status, Is.EqualTo(JobStatus.Cancelled));
        Assert.That(staleCallbackRan, Is.Zero, "Cancelling the next job ran a callback of the job before it.");
    }

    [TestCase(true, TestName = "CancelAsync_CallbackStillFiringWhenJobReturnsAtOnce_NextJobsOnTheWorkerGetUncancelledTokens")]
    [TestCase(false, TestName = "CancelAsync_CallbackStillFiringWhenAsyncJobReturns_NextJobsOnTheWorkerGetUncancelledTokens")]
    public async Task CancelAsync_CallbackStillFiringWhenJobReturns_NextJobsOnTheWorkerGetUncancelledTokens(bool completesSynchronously, CancellationToken ct)
    {
        // The system clock: only then does the worker reset and reuse its token source (see DefaultStoreHost).
        await using var host = await DefaultStoreHost.StartAsync(o => o.Queues["default"].Workers = 1, time: TimeProvider.System);
        var disposedErrors = new ConcurrentQueue<Exception>();
        var callbackErrors = new ConcurrentQueue<Exception>();
        var firstStarted = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);
        var callbackEntered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseCallback = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondStarted = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondMayFinish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thirdSaw = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondSawAfterRelease = true;

        void OnFirstChance(object? sender, System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs e)
        {
            if (e.Exception is ObjectDisposedException disposed)
            {
                disposedErrors.Enqueue(disposed);
            }
        }

        // The job's callback blocks the thread that cancels, so the cancellation is still firing while the
        // job returns (successfully) and the worker moves on.
        void RegisterBlockingCallback(CancellationToken token) => token.Register(() =>
        {
            callbackEntered.TrySetResult();
            releaseCallback.Task.Wait(CancellationToken.None);
            try
            {
                // Touching the source after the wait would throw if the worker had disposed it meanwhile.
                _ = token.WaitHandle.WaitOne(0);
            }
            catch (Exception ex)
            {
                callbackErrors.Enqueue(ex);
            }
        });

        AppDomain.CurrentDomain.FirstChanceException += OnFirstChance;
        try
        {
            var first = completesSynchronously
                ? await host.Queue.EnqueueAsync(ctx =>
                {
                    RegisterBlockingCallback(ctx.CancellationToken);
                    firstStarted.SetResult(ctx.CancellationToken);
                    callbackEntered.Task.Wait(ct);
                    return Task.CompletedTask;
                }, cancellationToken: ct)
                : await host.Queue.EnqueueAsync(async ctx =>
                {
                    RegisterBlockingCallback(ctx.CancellationToken);
                    firstStarted.SetResult(ctx.CancellationToken);
                    await callbackEntered.Task.WaitAsync(ct);
                }, cancellationToken: ct);
            var second = await host.Queue.EnqueueAsync(async ctx =>
            {
                secondStarted.SetResult(ctx.CancellationToken.IsCancellationRequested);
                await secondMayFinish.Task;
                secondSawAfterRelease = ctx.CancellationToken.IsCancellationRequested;
            }, cancellationToken: ct);
            var third = await host.Queue.EnqueueAsync(ctx =>
            {
                thirdSaw.SetResult(ctx.CancellationToken.IsCancellationRequested);
                return Task.CompletedTask;
            }, cancellationToken: ct);
            var firstToken = await firstStarted.Task.WaitAsync(ct);

            // The callback runs on the canceller's thread, and blocks it.
            var cancelling = Task.Run(async () => await host.Monitor.CancelAsync(first, ct), ct);
            await callbackEntered.Task.WaitAsync(ct);

            var secondCancelledAtStart = await secondStarted.Task.WaitAsync(ct);
            Assert.That(cancelling.IsCompleted, Is.False, "The cancellation is still firing.");
            Assert.That(secondCancelledAtStart, Is.False, "The next job on the worker got the token that is being cancelled.");
            var firstRecord = await host.Monitor.WaitAsync(first, ct);
            Assert.That(firstRecord.Status, Is.EqualTo(JobStatus.Succeeded), "The job returned normally before its cancellation finished firing.");

            releaseCallback.SetResult();
            Assert.That(await cancelling.WaitAsync(ct), Is.True);
            Assert.That(firstToken.IsCancellationRequested, Is.True);
            secondMayFinish.SetResult();

            Assert.That((await host.Monitor.WaitAsync(second, ct)).Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(secondSawAfterRelease, Is.False, "The released cancellation reached the next job's token.");
            Assert.That(await thirdSaw.Task.WaitAsync(ct), Is.False, "A later job on the worker got a cancelled token.");
            Assert.That((await host.Monitor.WaitAsync(third, ct)).Status, Is.EqualTo(JobStatus.Succeeded));
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= OnFirstChance;
            releaseCallback.TrySetResult();
            secondMayFinish.TrySetResult();
        }

        Assert.That(callbackErrors, Is.Empty, "The job's cancellation callback failed.");
        Assert.That(disposedErrors, Is.Empty, $"ObjectDisposedException thrown: {disposedErrors.FirstOrDefault()}");
        Assert.That(host.Logs.GetSnapshot().Where(r => r.Exception is not null).Select(r => r.Message), Is.Empty, "Nothing failed inside the library.");
    }

    // 4. Retention.
    [Test]
    [CancelAfter(60_000)]
    public async Task ThousandJobs_MaxFinishedJobsTen_StoreStaysBoundedAndKeepsTheNewest(CancellationToken ct)
    {
        const int Jobs = 1_000;
        const int Kept = 10;
        await using var host = await DefaultStoreHost.StartAsync(
            o => o.Queues["default"].Workers = 1,
            b => b.ConfigureInMemoryStore(s => s.MaxFinishedJobs = Kept));
        var ids = new JobId[Jobs];
        var worstExcess = int.MinValue;
        for (var i = 0; i < Jobs; i++)
        {
            ids[i] = await host.Queue.EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct);

            // Alive first: jobs only leave it while we look, so the bound can only be generous.
            var alive = host.Engine.AliveCount;
            var count = host.Store.Count;
            worstExcess = Math.Max(worstExcess, count - alive);
        }

        await host.Monitor.WaitAsync(ids[^1], ct);
        await Poll.UntilAsync(() => host.Store.Count == Kept, $"the store to hold {Kept} jobs (it holds {host.Store.Count})", ct);

        // One worker: a job between its finish and its hand-over to retention is neither alive nor retained yet.
        Assert.That(worstExcess, Is.LessThanOrEqualTo(Kept + 1), "Store.Count minus the live jobs exceeded the retention maximum.");
        Assert.That(host.Engine.AliveCount, Is.Zero);
        for (var i = 0; i < Jobs - Kept; i++)
        {
            Assert.That(host.Record(ids[i]), Is.Null, $"Job #{i} is among the oldest finished and should be forgotten.");
        }

        for (var i = Jobs - Kept; i < Jobs; i++)
        {
            Assert.That(host.Record(ids[i])?.Status, Is.EqualTo(JobStatus.Succeeded), $"Job #{i} is among the {Kept} newest and should be kept.");
        }

        var page = await host.Monitor.QueryAsync(new JobQuery { Take = 100 }, ct);
        Assert.That(page.Select(r => r.Id), Is.EqualTo(Enumerable.Reverse(ids[(Jobs - Kept)..])), "Newest first.");
        Assert.That(host.Store.Count, Is.EqualTo(Kept));
    }

    [Test]
    public async Task FinishedJobs_OlderThanRetentionPeriod_DisappearAfterQueryWhileUnfinishedStay(CancellationToken ct)
    {
        await using var host = await DefaultStoreHost.StartAsync(
            o => o.Queues["default"].Workers = 2,
            b => b.ConfigureInMemoryStore(s => s.RetentionPeriod = TimeSpan.FromMinutes(1)));
        var (running, release) = await host.StartBlockingJobAsync(ct);

        var old = new List<JobId>();
        for (var i = 0; i < 3; i++)
        {
            old.Add(await host.Queue.EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct));
            await host.Monitor.WaitAsync(old[^1], ct);
        }

        host.Clock.Advance(TimeSpan.FromSeconds(40));
        var young = new List<JobId>();
        for (var i = 0; i < 3; i++)
        {
            young.Add(await host.Queue.EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct));
            await host.Monitor.WaitAsync(young[^1], ct);
        }

        host.Clock.Advance(TimeSpan.FromSeconds(20));
        var page = await host.Monitor.QueryAsync(new JobQuery(), ct);

        Assert.That(old.Select(host.Record), Is.All.Null, "A minute after they finished, the first jobs are forgotten.");
        Assert.That(page.Select(r => r.Id), Is.EquivalentTo(young.Append(running)));
        Assert.That(young.Select(id => host.Record(id)?.Status), Is.All.EqualTo(JobStatus.Succeeded), "20 seconds old: kept.");

        host.Clock.Advance(TimeSpan.FromMinutes(10));
        await host.Monitor.QueryAsync(new JobQuery(), ct);
        Assert.That(young.Select(host.Record), Is.All.Null);
        Assert.That(host.Record(running)?.Status, Is.EqualTo(JobStatus.Running), "A job that has not finished is kept however old.");
        Assert.That(host.Store.Count, Is.EqualTo(1));

        release.SetResult();
        Assert.That((await host.Monitor.WaitAsync(running, ct)).Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That(host.Record(running), Is.Not.Null, "Just finished: kept.");
    }

    [Test]
    public async Task TransitionAsync_CancelledThroughTheStoreWhileQueued_StaysCancelledAndRetentionStaysIntact(CancellationToken ct)
    {
        const int Kept = 5;
        await using var host = await DefaultStoreHost.StartAsync(
            o => o.Queues["default"].Workers = 1,
            b => b.ConfigureInMemoryStore(s => s.MaxFinishedJobs = Kept));
        var store = host.Host.Services.GetRequiredService<IJobStore>();
        var (blocker, release) = await host.StartBlockingJobAsync(ct);
        var queued = await host.Queue.EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct);

        Assert.That(await store.TransitionAsync(queued, new JobTransition(JobStatus.Cancelled, 0, host.Clock.GetUtcNow()), ct), Is.True, "Queued -> Cancelled is allowed.");
        release.SetResult();
        await Poll.UntilAsync(() => host.Engine.AliveCount == 0, "the worker to get past both jobs", ct);

        var record = host.Record(queued);

        var later = new List<JobId>();
        for (var i = 0; i < 20; i++)
        {
            later.Add(await host.Queue.EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct));
        }

        await Poll.UntilAsync(() => host.Engine.AliveCount == 0, "the later jobs to finish", ct);
        await host.Monitor.QueryAsync(new JobQuery(), ct);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(record?.Status, Is.EqualTo(JobStatus.Cancelled), $"A terminal status is final (IJobStore contract), but the record became {record}.");
            Assert.That(host.Record(blocker), Is.Null, "An old finished job was never pruned.");
            Assert.That(later.Skip(later.Count - Kept).Select(host.Record), Is.All.Not.Null, "The newest finished jobs must be kept.");
            Assert.That(host.Store.Count, Is.EqualTo(Kept));
        }
    }

    // 5. A finished job lets go of its delegate.
    [TestCase("returns at once")]
    [TestCase("awaits")]
    [TestCase("throws")]
    [TestCase("registers a token callback")]
    [TestCase("cancelled while queued")]
    public async Task FinishedJob_StillInTheStore_DoesNotKeepWhatItsDelegateCaptured(string shape, CancellationToken ct)
    {
        // The system clock, so that the worker keeps its token source for the next job (see DefaultStoreHost).
        await using var host = DefaultStoreHost.Create(o => o.Queues["default"].Workers = 1, time: TimeProvider.System);
        var (enqueued, payload) = EnqueueJobCapturingLargeObject(host.Queue, shape, ct);
        var id = await enqueued;
        if (shape == "cancelled while queued")
        {
            Assert.That(await host.Monitor.CancelAsync(id, ct), Is.True);
        }

        await host.Host.StartAsync(ct);
        var record = await host.Monitor.WaitAsync(id, ct);
        Assert.That(record.Status.IsTerminal(), Is.True);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.That(payload.IsAlive, Is.False, $"The finished job ({record.Status}) still holds what its delegate captured.");
        Assert.That(host.Record(id), Is.Not.Null, "The store still keeps the job's record.");
    }

    // 6. Progress and DI scopes (the slower path, on the default store).
    [Test]
    public async Task ReportProgress_WithTheDefaultStore_VisibleWhileRunningAndLatestKeptAfterwards(CancellationToken ct)
    {
        await using var host = await DefaultStoreHost.StartAsync(o => o.ProgressInterval = TimeSpan.FromSeconds(1));
        var reported = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var id = await host.Queue.EnqueueAsync(async ctx =>
        {
            ctx.ReportProgress(40, "loading");
            reported.SetResult();
            await finish.Task;
            ctx.ReportItems(10, 10, "done");
        }, cancellationToken: ct);
        await reported.Task.WaitAsync(ct);

        var running = await host.WaitForRecordAsync(id, r => r.Progress.Percent == 40, "the first report to be written", ct);
        Assert.That(running.Status, Is.EqualTo(JobStatus.Running));
        Assert.That(running.Progress.Message, Is.EqualTo("loading"));
        finish.SetResult();
        var record = await host.Monitor.WaitAsync(id, ct);

        Assert.That(record.Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That(record.Progress, Is.EqualTo(new JobProgress(100, "done", 10, 10)), "The last report, within the interval, is flushed before the terminal status.");

        var quick = await host.Queue.EnqueueAsync(ctx =>
        {
            ctx.ReportItems(3, 4, "most");
            return Task.CompletedTask;
        }, cancellationToken: ct);
        var quickRecord = await host.Monitor.WaitAsync(quick, ct);
        Assert.That(quickRecord.Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That(quickRecord.Progress, Is.EqualTo(new JobProgress(75, "most", 3, 4)), "A job that completes at once keeps its progress too.");
    }

    [Test]
    public async Task ScopedService_WithTheDefaultStore_OnePerJobAndDisposedAfterIt(CancellationToken ct)
    {
        await using var host = DefaultStoreHost.Create(o => o.Queues["default"].Workers = 1, services: s => s.AddScoped<ScopedProbe>());
        var probes = new ConcurrentQueue<ScopedProbe>();
        var disposedDuringJob = new ConcurrentQueue<bool>();
        var viaParameter = await host.Queue.EnqueueAsync<ScopedProbe>((probe, _) =>
        {
            probes.Enqueue(probe);
            disposedDuringJob.Enqueue(probe.IsDisposed);
            return Task.CompletedTask;
        }, cancellationToken: ct);
        var viaContext = await host.Queue.EnqueueAsync(ctx =>
        {
            var probe = ctx.Services.GetRequiredService<ScopedProbe>();
            probes.Enqueue(probe);
            disposedDuringJob.Enqueue(probe.IsDisposed);
            return Task.FromResult(probe.Number);
        }, cancellationToken: ct);

        await host.Host.StartAsync(ct);
        Assert.That((await host.Monitor.WaitAsync(viaParameter, ct)).Status, Is.EqualTo(JobStatus.Succeeded));
        var record = await host.Monitor.WaitAsync(viaContext, ct);

        Assert.That(record.Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That(disposedDuringJob, Is.EqualTo(new[] { false, false }));
        Assert.That(probes.Select(p => p.IsDisposed), Is.EqualTo(new[] { true, true }), "Each job's scope is disposed once the job has finished.");
        Assert.That(probes.Distinct().Count(), Is.EqualTo(2), "Each job has a scope of its own.");
        Assert.That(record.Result, Is.EqualTo(probes.Last().Number));
    }

    // 7. Back-pressure with hysteresis.
    [Test]
    public async Task EnqueueAsync_FullQueueInWaitMode_PendingProducersGetInOnceWorkersDrainAndNothingIsLost(CancellationToken ct)
    {
        const int Capacity = 8;
        await using var host = await DefaultStoreHost.StartAsync(o =>
        {
            o.Queues["default"].Workers = 1;
            o.Queues["default"].Capacity = Capacity;
            o.Queues["default"].FullMode = QueueFullMode.Wait;
        });
        var (blocker, release) = await host.StartBlockingJobAsync(ct);
        var ran = new ConcurrentQueue<int>();
        var accepted = new List<JobId> { blocker };
        for (var i = 0; i < Capacity; i++)
        {
            var n = i;
            accepted.Add(await host.Queue.EnqueueAsync(_ =>
            {
                ran.Enqueue(n);
                return Task.CompletedTask;
            }, cancellationToken: ct));
        }

        var pending = Enumerable.Range(Capacity, 3).Select(n => host.Queue.EnqueueAsync(_ =>
        {
            ran.Enqueue(n);
            return Task.CompletedTask;
        }, cancellationToken: ct).AsTask()).ToList();

        Assert.That(pending.Select(p => p.IsCompleted), Is.All.False, "The queue is full, so the producers wait.");
        Assert.That(host.Queue.TryEnqueue(_ => Task.CompletedTask, out _), Is.False, "Full.");
        release.SetResult();
        accepted.AddRange(await Task.WhenAll(pending).WaitAsync(ct));

        foreach (var id in accepted)
        {
            Assert.That((await host.Monitor.WaitAsync(id, ct)).Status, Is.EqualTo(JobStatus.Succeeded));
        }

        Assert.That(ran.Order(), Is.EqualTo(Enumerable.Range(0, Capacity + 3)), "Every accepted job ran once.");
        Assert.That(host.Engine.AliveCount, Is.Zero);
    }

    // 8. One store shared by two hosts.
    [Test]
    public async Task SharedInMemoryStore_StoppingOneHost_LeavesTheOtherHostsJobsAlone(CancellationToken ct)
    {
        var clock = new TestClock(s_start);
        var shared = new InMemoryJobStore(new InMemoryJobStoreOptions(), clock);
        await using var hostA = await DefaultStoreHost.StartAsync(
            o =>
            {
                o.Queues["default"].Workers = 1;
                o.ShutdownMode = ShutdownMode.Cancel;
                o.DrainTimeout = TimeSpan.Zero;
            },
            b => b.UseStore(_ => shared),
            time: clock);
        await using var hostB = await DefaultStoreHost.StartAsync(
            o => o.Queues["default"].Workers = 1,
            b => b.UseStore(_ => shared),
            time: clock);
        Assert.That(hostA.Store, Is.SameAs(shared));
        Assert.That(hostB.Store, Is.SameAs(shared));

        var aStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var aRunning = await hostA.Queue.EnqueueAsync(async ctx =>
        {
            aStarted.SetResult();
            await Until.Cancelled(ctx.CancellationToken);
        }, cancellationToken: ct);
        var aQueued = await hostA.Queue.EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct);
        await aStarted.Task.WaitAsync(ct);

        var bStarted = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);
        var bRelease = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bRunning = await hostB.Queue.EnqueueAsync(async ctx =>
        {
            bStarted.SetResult(ctx.CancellationToken);
            await bRelease.Task.WaitAsync(ctx.CancellationToken);
        }, cancellationToken: ct);
        var bQueued = await hostB.Queue.EnqueueAsync(_ => Task.FromResult("b"), cancellationToken: ct);
        var bToken = await bStarted.Task.WaitAsync(ct);

        Assert.That(await hostA.Monitor.CancelAsync(bQueued, ct), Is.False, "Host A does not run host B's job, so it cannot cancel it.");
        await hostA.Host.StopAsync(ct);

        Assert.That((await hostA.Monitor.GetAsync(aRunning, ct))!.Status, Is.EqualTo(JobStatus.Cancelled));
        Assert.That((await hostA.Monitor.GetAsync(aQueued, ct))!.Status, Is.EqualTo(JobStatus.Cancelled));
        Assert.That(bToken.IsCancellationRequested, Is.False, "Stopping host A cancelled host B's running job.");
        Assert.That(hostB.Record(bRunning)!.Status, Is.EqualTo(JobStatus.Running));
        Assert.That(hostB.Record(bQueued)!.Status, Is.EqualTo(JobStatus.Queued), "Host A's shutdown sweep touched host B's queued job.");

        bRelease.SetResult();
        Assert.That((await hostB.Monitor.WaitAsync(bRunning, ct)).Status, Is.EqualTo(JobStatus.Succeeded));
        var bRecord = await hostB.Monitor.WaitAsync(bQueued, ct);
        Assert.That(bRecord.Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That(bRecord.Result, Is.EqualTo("b"));
        Assert.That(hostB.Engine.AliveCount, Is.Zero);
        Assert.That(hostA.Engine.AliveCount, Is.Zero);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (ValueTask<JobId> Enqueued, WeakReference Payload) EnqueueJobCapturingLargeObject(IJobQueue queue, string shape, CancellationToken ct)
    {
        var payload = new byte[4 * 1024 * 1024];
        Func<JobContext, Task> job = shape switch
        {
            "returns at once" or "cancelled while queued" => _ => payload.Length > 0 ? Task.CompletedTask : Task.FromException(new InvalidOperationException()),
            "awaits" => async _ =>
            {
                await Task.Yield();
                GC.KeepAlive(payload);
            },
            "throws" => _ => throw new InvalidOperationException($"failed holding {payload.Length} bytes"),
            "registers a token callback" => ctx =>
            {
                ctx.CancellationToken.Register(() => GC.KeepAlive(payload));
                return Task.CompletedTask;
            },
            _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, null),
        };
        return (queue.EnqueueAsync(job, cancellationToken: ct), new WeakReference(payload));
    }

    /// <summary>A scoped service that knows whether its scope was disposed.</summary>
    private sealed class ScopedProbe : IDisposable
    {
        private static int s_created;

        public int Number { get; } = Interlocked.Increment(ref s_created);

        public bool IsDisposed { get; private set; }

        public void Dispose() => IsDisposed = true;
    }
}
