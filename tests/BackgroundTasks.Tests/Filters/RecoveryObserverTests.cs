using Microsoft.Extensions.DependencyInjection;

namespace BackgroundTasks.Tests.Filters;

/// <summary>Jobs recovered from a host that is gone, heard by state observers once, on the host that recovered them (durable stores only: nothing else recovers jobs of another host).</summary>
[CancelAfter(30_000)]
[TestFixture(StoreKind.Sqlite)]
[TestFixture(StoreKind.PostgreSql)]
public sealed class RecoveryObserverTests(StoreKind storeKind)
{
    [Test]
    public async Task OnStateChanged_JobsRecoveredFromAHostThatIsGone_HearsEachOnce(CancellationToken ct)
    {
        var seen = new JobStateObserverTests.ChangeLog();
        await using var host = StoreDecidedObserverTests.Create(storeKind, seen);
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
}
