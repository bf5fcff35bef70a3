using Microsoft.Extensions.DependencyInjection;

namespace BackgroundTasks.Tests.Filters;

/// <summary>
/// Outcomes that no job run decides, heard by state observers once: jobs recovered from a host that is gone, and
/// continuations settled when the job they continue ends (on a durable store, by the store, in the write of that end).
/// </summary>
[CancelAfter(30_000)]
[TestFixture(StoreKind.InMemory)]
[TestFixture(StoreKind.Sqlite)]
[TestFixture(StoreKind.PostgreSql)]
public sealed class StoreDecidedObserverTests(StoreDecidedObserverTests.StoreKind storeKind)
{
    /// <summary>The store the tests run on.</summary>
    public enum StoreKind
    {
        /// <summary>The built-in in-memory store: the engine settles continuations, and nothing is recovered.</summary>
        InMemory,

        /// <summary>The durable SQLite store on a file.</summary>
        Sqlite,

        /// <summary>The durable PostgreSQL store in a schema of its own.</summary>
        PostgreSql,
    }

    [Test]
    public async Task OnStateChanged_ContinuationsOfAJobThatFailsOrIsCancelled_HearsEachSettlingOnce([Values] bool cancelledById, CancellationToken ct)
    {
        var seen = new JobStateObserverTests.ChangeLog();
        await using var host = await StartAsync(seen);
        var parent = cancelledById
            ? await host.Queue.EnqueueAsync<CountingJob, int>(0, new JobOptions { Delay = TimeSpan.FromMinutes(1) }, ct)
            : await host.Queue.EnqueueAsync<JobStateObserverTests.FailingJob, int>(0, new JobOptions { Delay = TimeSpan.FromMinutes(1) }, ct);
        var cancelled = await host.Queue.EnqueueAsync<CountingJob, int>(1, new JobOptions { ContinueAfter = parent, ContinueWhen = JobContinuation.Succeeded }, ct);
        var released = await host.Queue.EnqueueAsync<CountingJob, int>(2, new JobOptions { ContinueAfter = parent, ContinueWhen = JobContinuation.Finished }, ct);
        var lambda = await host.Queue.EnqueueAsync(_ => Task.CompletedTask, new JobOptions { ContinueAfter = parent }, ct);

        if (cancelledById)
        {
            Assert.That(await host.Monitor.CancelAsync(parent, ct), Is.True);
        }
        else
        {
            await host.Time.WaitForTimerAsync(TimeSpan.FromMinutes(1), ct);
            host.Time.Advance(TimeSpan.FromMinutes(1));
        }

        var ended = (await host.Monitor.WaitAsync(parent, ct)).Status;
        Assert.That((await host.Monitor.WaitAsync(cancelled, ct)).Status, Is.EqualTo(JobStatus.Cancelled));
        Assert.That((await host.Monitor.WaitAsync(released, ct)).Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That((await host.Monitor.WaitAsync(lambda, ct)).Status, Is.EqualTo(JobStatus.Cancelled));
        await Poll.UntilAsync(() => seen.StatusesOf(released).Contains(JobStatus.Succeeded), "the released continuation's end to be heard", ct);

        Assert.That(ended, Is.EqualTo(cancelledById ? JobStatus.Cancelled : JobStatus.Failed));
        foreach (var id in new[] { cancelled, lambda })
        {
            Assert.That(seen.StatusesOf(id), Is.EqualTo(new[] { JobStatus.Scheduled, JobStatus.Cancelled }), $"Continuation {id}: waiting, then cancelled, each heard once.");
            var change = seen.Of(id)[^1];
            Assert.That(change.CancelReason, Is.EqualTo(JobCancelReason.Requested));
            Assert.That(change.Error!.Message, Does.Contain($"Job {parent}, which this job continues, ended {ended}"));
        }

        // The store's release and this host's claim race to be heard first; each is heard once.
        Assert.That(seen.StatusesOf(released), Is.EquivalentTo(new[] { JobStatus.Scheduled, JobStatus.Queued, JobStatus.Running, JobStatus.Succeeded }));
        Assert.That(seen.Of(cancelled)[^1].Name, Is.EqualTo("counting"));
    }

    [Test]
    public async Task OnStateChanged_JobsRecoveredFromAHostThatIsGone_HearsEachOnce(CancellationToken ct)
    {
        if (storeKind == StoreKind.InMemory)
        {
            Assert.Ignore("Only a durable store recovers jobs of another host.");
        }

        var seen = new JobStateObserverTests.ChangeLog();
        await using var host = Create(seen);
        var store = (IDurableJobStore)host.Store;
        var now = host.Time.GetUtcNow();
        JobRecord Typed(int maxAttempts, JobId? continueAfter = null) => new()
        {
            Id = JobId.NewId(),
            Name = "counting",
            Queue = "default",
            Status = continueAfter is null ? JobStatus.Queued : JobStatus.Scheduled,
            ScheduledAt = continueAfter is null ? null : DateTimeOffset.MaxValue,
            ContinueAfter = continueAfter,
            MaxAttempts = maxAttempts,
            Arguments = "7",
            EnqueuedAt = now,
        };
        var lastAttempt = Typed(maxAttempts: 1);
        var attemptLeft = Typed(maxAttempts: 2);
        var next = Typed(maxAttempts: 1, continueAfter: lastAttempt.Id);
        foreach (var job in new[] { lastAttempt, attemptLeft, next })
        {
            await store.AddAsync(job, owner: null, ct);
        }

        // Claimed a day ago by a host that stopped: its leases have long expired.
        Assert.That(await store.ClaimAsync("default", "gone-host/1", 10, now.AddDays(-1), ct), Has.Count.EqualTo(2));

        await host.Host.StartAsync(ct);
        Assert.That((await host.Monitor.WaitAsync(lastAttempt.Id, ct)).Status, Is.EqualTo(JobStatus.Failed));
        Assert.That((await host.Monitor.WaitAsync(next.Id, ct)).Status, Is.EqualTo(JobStatus.Cancelled));
        Assert.That((await host.Monitor.WaitAsync(attemptLeft.Id, ct)).Status, Is.EqualTo(JobStatus.Succeeded));
        await Poll.UntilAsync(() => seen.StatusesOf(attemptLeft.Id).Contains(JobStatus.Succeeded), "the requeued job's end to be heard", ct);

        Assert.That(seen.StatusesOf(lastAttempt.Id), Is.EqualTo(new[] { JobStatus.Failed }), "One place to alert on every failure: also a job abandoned by its host.");
        var failed = seen.Of(lastAttempt.Id)[0];
        Assert.That(failed.Error!.Type, Is.EqualTo("BackgroundTasks.JobAbandoned"));
        Assert.That(failed.Error.Message, Does.Contain("abandoned").And.Contain("gone-host/1"));
        Assert.That((failed.Name, failed.Attempt, failed.MaxAttempts), Is.EqualTo(("counting", 1, 1)));
        Assert.That(seen.StatusesOf(next.Id), Is.EqualTo(new[] { JobStatus.Cancelled }));
        Assert.That(seen.Of(next.Id)[0].Error!.Message, Does.Contain($"Job {lastAttempt.Id}, which this job continues, ended Failed"));
        Assert.That(seen.StatusesOf(attemptLeft.Id), Is.EqualTo(new[] { JobStatus.Queued, JobStatus.Running, JobStatus.Succeeded }), "Queued again by the recovery, then run here.");
        Assert.That(seen.Of(attemptLeft.Id)[0].Error!.Message, Does.Contain("was abandoned"));
    }

    private JobsHost Create(JobStateObserverTests.ChangeLog seen) => JobsHost.Create(
        build: jobs => jobs.OnStateChanged(seen.Add).AddJob<CountingJob, int>("counting").AddJob<JobStateObserverTests.FailingJob, int>("failing"),
        sqlite: storeKind == StoreKind.Sqlite,
        postgres: storeKind == StoreKind.PostgreSql);

    private async Task<JobsHost> StartAsync(JobStateObserverTests.ChangeLog seen)
    {
        var host = Create(seen);
        await host.Host.StartAsync();
        return host;
    }

    public sealed class CountingJob : IJob<int>
    {
        public Task RunAsync(int args, JobContext context) => Task.CompletedTask;
    }
}
