using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BackgroundTasks.Tests.Partitioning;

[TestFixture]
[CancelAfter(30000)]
public class JobContextParallelExtensionsTests
{
    private const string ChildQueue = "children";
    private IHost _host = null!;
    private CountingJobStore _store = null!;
    private IJobQueue _jobs = null!;
    private IJobMonitor _monitor = null!;

    [SetUp]
    public async Task SetUp()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddBackgroundJobs(options =>
            {
                options.Queues[BackgroundJobsOptions.DefaultQueueName].Workers = 2;

                // Long enough that only the first report and the final flush reach the store during a test.
                options.ProgressInterval = TimeSpan.FromHours(1);
            })
            .AddQueue(ChildQueue, queue => queue.Workers = 2)
            .AddQueue("single", queue => queue.Workers = 1)
            .AddQueue("small", queue =>
            {
                queue.Workers = 2;
                queue.Capacity = 2;
            })
            .UseStore(static _ => new CountingJobStore(new InMemoryJobStore()));
        _host = builder.Build();
        await _host.StartAsync();
        _store = (CountingJobStore)_host.Services.GetRequiredService<IJobStore>();
        _jobs = _host.Services.GetRequiredService<IJobQueue>();
        _monitor = _host.Services.GetRequiredService<IJobMonitor>();
    }

    [TearDown]
    public async Task TearDown()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    [Test]
    public async Task ParallelFor_InJob_ReportsItemsWithFewStoreWrites(CancellationToken cancellationToken)
    {
        const int size = 20_000;
        var hits = new int[size];

        // Chunks of 10 items: 2,000 progress reports from the loop.
        var id = await _jobs.EnqueueAsync(ctx =>
        {
            ctx.ParallelFor(0, size, i => Interlocked.Increment(ref hits[i]), new PartitionOptions { Chunking = PartitionChunking.Dynamic, MinChunkSize = 10 });
            return Task.CompletedTask;
        }, cancellationToken: cancellationToken);
        var record = await _monitor.WaitAsync(id, cancellationToken);

        Assert.That(record.Status, Is.EqualTo(JobStatus.Succeeded), record.Error?.StackTrace);
        Assert.That(hits.All(static h => h == 1), Is.True);
        Assert.That(record.Progress, Is.EqualTo(new JobProgress(100, null, size, size)));
        Assert.That(_store.ProgressWrites(id), Is.InRange(1, 2), "coalesced: the first report, then the flush before the terminal state");
    }

    [Test]
    public async Task ParallelAggregate_InJob_ReturnsSequentialResult(CancellationToken cancellationToken)
    {
        var id = await _jobs.EnqueueAsync(ctx => Task.FromResult(
            ctx.ParallelAggregate(Enumerable.Range(1, 10_000).ToList(), static () => 0L, static (i, sum) => sum + i, static (a, b) => a + b)),
            cancellationToken: cancellationToken);
        var record = await _monitor.WaitAsync(id, cancellationToken);

        Assert.That(record.Result, Is.EqualTo(50_005_000L));
        Assert.That(record.Progress.ItemsDone, Is.EqualTo(10_000));
    }

    [Test]
    public async Task ParallelForEachAsync_JobCancelled_StopsAndJobIsCancelled(CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var id = await _jobs.EnqueueAsync(ctx => ctx.ParallelForEachAsync(Enumerable.Range(0, 100), async (_, token) =>
        {
            started.TrySetResult();
            await new TaskCompletionSource().Task.WaitAsync(token);
        }), cancellationToken: cancellationToken);

        await started.Task.WaitAsync(cancellationToken);
        await _monitor.CancelAsync(id, cancellationToken);
        var record = await _monitor.WaitAsync(id, cancellationToken);

        Assert.That(record.Status, Is.EqualTo(JobStatus.Cancelled));
    }

    [Test]
    public async Task FanOutAsync_ChildrenSucceed_CombinesResultsAndRecordsParent(CancellationToken cancellationToken)
    {
        var parentId = await _jobs.EnqueueAsync(async ctx =>
        {
            var squares = await ctx.FanOutAsync(Enumerable.Range(1, 5), static (x, _) => Task.FromResult(x * x), new JobOptions { Queue = ChildQueue });
            return squares.Sum();
        }, new JobOptions { Name = "squares" }, cancellationToken);
        var parent = await _monitor.WaitAsync(parentId, cancellationToken);
        var children = await _monitor.QueryAsync(new JobQuery { ParentId = parentId }, cancellationToken);

        Assert.That(parent.Status, Is.EqualTo(JobStatus.Succeeded), parent.Error?.StackTrace);
        Assert.That(parent.Result, Is.EqualTo(55));
        Assert.That(parent.Progress, Is.EqualTo(new JobProgress(100, null, 5, 5)));
        Assert.That(children, Has.Count.EqualTo(5));
        Assert.That(children.Select(static c => (c.Status, c.Queue, c.ParentId)), Is.All.EqualTo((JobStatus.Succeeded, ChildQueue, (JobId?)parentId)));
        Assert.That(children.Select(static c => c.Result), Is.EquivalentTo(new object[] { 1, 4, 9, 16, 25 }));
        Assert.That(children.Select(static c => c.Name), Has.Member("squares/child-0"));
    }

    [Test]
    public async Task FanOutAsync_ParentCancelled_CancelsChildren(CancellationToken cancellationToken)
    {
        var childIds = new ConcurrentBag<JobId>();
        var bothStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var parentId = await _jobs.EnqueueAsync(ctx => ctx.FanOutAsync(Enumerable.Range(0, 2), async (_, child) =>
        {
            childIds.Add(child.Id);
            if (childIds.Count == 2)
            {
                bothStarted.TrySetResult();
            }

            await new TaskCompletionSource().Task.WaitAsync(child.CancellationToken);
        }, new JobOptions { Queue = ChildQueue }), cancellationToken: cancellationToken);

        await bothStarted.Task.WaitAsync(cancellationToken);
        await _monitor.CancelAsync(parentId, cancellationToken);
        var parent = await _monitor.WaitAsync(parentId, cancellationToken);
        var children = await Task.WhenAll(childIds.Select(id => _monitor.WaitAsync(id, cancellationToken)));

        Assert.That(parent.Status, Is.EqualTo(JobStatus.Cancelled));
        Assert.That(children.Select(static c => c.Status), Is.All.EqualTo(JobStatus.Cancelled));
        Assert.That(children.Select(static c => c.ParentId), Is.All.EqualTo((JobId?)parentId));
    }

    [Test]
    public async Task FanOutAsync_ChildFails_ParentFailsWithChildError(CancellationToken cancellationToken)
    {
        var parentId = await _jobs.EnqueueAsync(ctx => ctx.FanOutAsync(Enumerable.Range(0, 4), static (i, _) =>
            i == 2 ? throw new InvalidOperationException("child 2 broke") : Task.CompletedTask,
            new JobOptions { Queue = ChildQueue }), cancellationToken: cancellationToken);
        var parent = await _monitor.WaitAsync(parentId, cancellationToken);
        var failed = (await _monitor.QueryAsync(new JobQuery { ParentId = parentId, Status = JobStatus.Failed }, cancellationToken)).Single();

        Assert.That(parent.Status, Is.EqualTo(JobStatus.Failed));
        Assert.That(parent.Error!.Type, Is.EqualTo(typeof(ChildJobFailedException).FullName));
        Assert.That(parent.Error.Message, Does.Contain(failed.Id.ToString()).And.Contain("System.InvalidOperationException: child 2 broke"));
        Assert.That(failed.Error!.Message, Is.EqualTo("child 2 broke"));
    }

    [Test]
    public async Task FanOutAsync_OwnSingleWorkerQueue_FailsFast(CancellationToken cancellationToken)
    {
        var parentId = await _jobs.EnqueueAsync(
            ctx => ctx.FanOutAsync([1], static (_, _) => Task.CompletedTask, new JobOptions { Queue = "single" }),
            new JobOptions { Queue = "single" },
            cancellationToken);
        var parent = await _monitor.WaitAsync(parentId, cancellationToken);

        Assert.That(parent.Status, Is.EqualTo(JobStatus.Failed));
        Assert.That(parent.Error!.Type, Is.EqualTo(typeof(InvalidOperationException).FullName));
        Assert.That(await _monitor.QueryAsync(new JobQuery { ParentId = parentId }, cancellationToken), Is.Empty);
    }

    [Test]
    public async Task FanOutAsync_ParentsHoldEveryWorkerOfTheirQueue_TheyRunTheirChildrenThemselves(CancellationToken cancellationToken)
    {
        // The default queue has 2 workers; both parents hold one and fan out to their own queue.
        var parentsRunning = 0;
        var bothRunning = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Func<JobContext, Task<int>> parent = async ctx =>
        {
            if (Interlocked.Increment(ref parentsRunning) == 2)
            {
                bothRunning.SetResult();
            }

            await bothRunning.Task.WaitAsync(ctx.CancellationToken);
            var tripled = await ctx.FanOutAsync(Enumerable.Range(1, 3), static (x, _) => Task.FromResult(3 * x));
            return tripled.Sum();
        };

        var first = await _jobs.EnqueueAsync(parent, cancellationToken: cancellationToken);
        var second = await _jobs.EnqueueAsync(parent, cancellationToken: cancellationToken);
        var parents = await Task.WhenAll(_monitor.WaitAsync(first, cancellationToken), _monitor.WaitAsync(second, cancellationToken));
        var children = await _monitor.QueryAsync(new JobQuery { ParentId = first }, cancellationToken);

        Assert.That(parents.Select(static p => (p.Status, p.Result)), Is.All.EqualTo((JobStatus.Succeeded, (object?)18)), "Without a free worker, each parent must run its own children instead of waiting forever.");
        Assert.That(children.Select(static c => (c.Status, c.Queue, c.Attempt)), Is.All.EqualTo((JobStatus.Succeeded, BackgroundJobsOptions.DefaultQueueName, 1)));
        Assert.That(children, Has.Count.EqualTo(3));
    }

    [Test]
    public async Task FanOutAsync_ChildrenOfAnotherQueue_WaitForThatQueuesWorker(CancellationToken cancellationToken)
    {
        // "single" has one worker, held by a blocker: the parent must not run the children in its own slot,
        // which would break that queue's limit of one job at a time.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var blocker = await _jobs.EnqueueAsync(_ => release.Task, new JobOptions { Queue = "single" }, cancellationToken);
        var parentId = await _jobs.EnqueueAsync(
            ctx => ctx.FanOutAsync(Enumerable.Range(0, 2), static (_, _) => Task.CompletedTask, new JobOptions { Queue = "single" }),
            cancellationToken: cancellationToken);

        while ((await _monitor.QueryAsync(new JobQuery { ParentId = parentId }, cancellationToken)).Count < 2)
        {
            Assert.That(cancellationToken.IsCancellationRequested, Is.False, "Timed out waiting for the parent to enqueue its two children.");
            await Task.Yield();
        }

        release.SetResult();
        var parent = await _monitor.WaitAsync(parentId, cancellationToken);
        var blocked = await _monitor.WaitAsync(blocker, cancellationToken);
        var children = await _monitor.QueryAsync(new JobQuery { ParentId = parentId }, cancellationToken);

        Assert.That(parent.Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That(children.Select(static c => c.StartedAt), Is.All.GreaterThanOrEqualTo(blocked.FinishedAt!.Value), "The children started before the only worker of their queue was free.");
    }

    [Test]
    public async Task FanOutAsync_DelayedChildren_AreNotRunBeforeTheirTime(CancellationToken cancellationToken)
    {
        var parentId = await _jobs.EnqueueAsync(
            ctx => ctx.FanOutAsync([1], static (_, _) => Task.CompletedTask, new JobOptions { Delay = TimeSpan.FromHours(1) }),
            cancellationToken: cancellationToken);
        IReadOnlyList<JobRecord> children;
        while ((children = await _monitor.QueryAsync(new JobQuery { ParentId = parentId }, cancellationToken)).Count == 0)
        {
            Assert.That(cancellationToken.IsCancellationRequested, Is.False, "Timed out waiting for the parent to enqueue its child.");
            await Task.Yield();
        }

        await _monitor.CancelAsync(parentId, cancellationToken);
        var parent = await _monitor.WaitAsync(parentId, cancellationToken);
        var child = await _monitor.WaitAsync(children[0].Id, cancellationToken);

        Assert.That(parent.Status, Is.EqualTo(JobStatus.Cancelled));
        Assert.That((child.Status, child.StartedAt), Is.EqualTo((JobStatus.Cancelled, (DateTimeOffset?)null)), "A child delayed by an hour must not run early in its parent's slot.");
    }

    [Test]
    public async Task FanOutAsync_ChildThatMayRetry_KeepsItsBackOff(CancellationToken cancellationToken)
    {
        // The child fails its first attempt and must then wait an hour. Had the parent run that attempt
        // itself, the child's entry would still sit in the lane, and the free worker would start attempt 2 at once.
        var parentId = await _jobs.EnqueueAsync(
            ctx => ctx.FanOutAsync([1], static (_, _) => throw new InvalidOperationException("first attempt fails"), new JobOptions
            {
                MaxAttempts = 2,
                Backoff = new RetryBackoff { InitialDelay = TimeSpan.FromHours(1), Jitter = 0 },
            }),
            cancellationToken: cancellationToken);
        JobRecord? child = null;
        while (child is not { Status: JobStatus.Retrying } && child?.Status.IsTerminal() != true)
        {
            Assert.That(cancellationToken.IsCancellationRequested, Is.False, "Timed out waiting for the child's first attempt to fail.");
            await Task.Yield();
            child = (await _monitor.QueryAsync(new JobQuery { ParentId = parentId }, cancellationToken)).SingleOrDefault();
        }

        await _monitor.CancelAsync(parentId, cancellationToken);
        await _monitor.WaitAsync(parentId, cancellationToken);
        var ended = await _monitor.WaitAsync(child.Id, cancellationToken);

        Assert.That((ended.Status, ended.Attempt), Is.EqualTo((JobStatus.Cancelled, 1)), "The retry started before its hour of back-off.");
    }

    [Test]
    public async Task FanOutAsync_MoreChildrenThanTheQueueHoldsWhileParentsHoldEveryWorker_ParentsRunTheirChildrenAndFinish(CancellationToken cancellationToken)
    {
        // "small" holds 2 waiting jobs and has 2 workers; both parents hold one each and fan out 6 children to
        // their own queue: their enqueues wait for room that only they can make, by running their children.
        var parentsRunning = 0;
        var bothRunning = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Func<JobContext, Task<int>> parent = async ctx =>
        {
            if (Interlocked.Increment(ref parentsRunning) == 2)
            {
                bothRunning.SetResult();
            }

            await bothRunning.Task.WaitAsync(ctx.CancellationToken);
            var doubled = await ctx.FanOutAsync(Enumerable.Range(1, 6), static (x, _) => Task.FromResult(2 * x), new JobOptions { Queue = "small" });
            return doubled.Sum();
        };

        var first = await _jobs.EnqueueAsync(parent, new JobOptions { Queue = "small" }, cancellationToken);
        var second = await _jobs.EnqueueAsync(parent, new JobOptions { Queue = "small" }, cancellationToken);
        var parents = await Task.WhenAll(_monitor.WaitAsync(first, cancellationToken), _monitor.WaitAsync(second, cancellationToken));
        var children = await _monitor.QueryAsync(new JobQuery { ParentId = first }, cancellationToken);

        Assert.That(parents.Select(static p => (p.Status, p.Result)), Is.All.EqualTo((JobStatus.Succeeded, (object?)42)));
        Assert.That(children.Select(static c => (c.Status, c.Attempt)), Is.All.EqualTo((JobStatus.Succeeded, 1)));
        Assert.That(children, Has.Count.EqualTo(6));
    }
}
