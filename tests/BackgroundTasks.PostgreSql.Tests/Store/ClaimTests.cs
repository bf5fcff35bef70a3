using System.Collections.Concurrent;

namespace BackgroundTasks.PostgreSql.Tests.Store;

[CancelAfter(60_000)]
public sealed class ClaimTests
{
    [Test]
    public async Task ClaimAsync_QueuedJobs_TakesHighestPriorityThenEarliestDueThenSmallestId(CancellationToken ct)
    {
        await using var schema = new TestSchema();
        await using var store = schema.Open();
        var now = TestJobs.Start.AddMinutes(10);
        var lowOld = TestJobs.Typed(priority: JobPriority.Low, enqueuedAt: TestJobs.Start);
        var normalLate = TestJobs.Typed(enqueuedAt: TestJobs.Start.AddMinutes(2));
        var normalEarly = TestJobs.Typed(enqueuedAt: TestJobs.Start.AddMinutes(1));
        var normalEarlySameTime = TestJobs.Typed(enqueuedAt: TestJobs.Start.AddMinutes(1));
        var high = TestJobs.Typed(priority: JobPriority.High, enqueuedAt: TestJobs.Start.AddMinutes(5));
        foreach (var job in new[] { lowOld, normalLate, normalEarlySameTime, normalEarly, high })
        {
            await store.AddAsync(job, ct);
        }

        var first = await store.ClaimAsync("default", "host-a/1", 3, now, ct);
        var rest = await store.ClaimAsync("default", "host-a/1", 10, now, ct);

        Assert.That(first.Select(r => r.Id), Is.EqualTo(new[] { high.Id, normalEarly.Id, normalEarlySameTime.Id }));
        Assert.That(rest.Select(r => r.Id), Is.EqualTo(new[] { normalLate.Id, lowOld.Id }));
        Assert.That(await store.ClaimAsync("default", "host-a/1", 10, now, ct), Is.Empty);
    }

    [Test]
    public async Task ClaimAsync_Claimed_IsRunningForTheOwnerAtTheNextAttemptWithItsArguments(CancellationToken ct)
    {
        await using var schema = new TestSchema();
        await using var store = schema.Open();
        var job = TestJobs.Typed() with { Arguments = """{"invoice":7,"note":"ünï"}""" };
        await store.AddAsync(job, ct);
        var now = TestJobs.Start.AddSeconds(30);

        var claimed = (await store.ClaimAsync("default", "host-a/1", 5, now, ct)).Single();

        var expected = job with { Status = JobStatus.Running, Attempt = 1, StartedAt = now };
        Assert.That(claimed, Is.EqualTo(expected));
        Assert.That(await store.GetAsync(job.Id, ct), Is.EqualTo(expected));
        Assert.That(await store.RenewLeasesAsync("host-a/1", now.AddSeconds(1), ct), Is.EqualTo(new[] { job.Id }), "The owner holds the lease.");
        Assert.That(await store.RenewLeasesAsync("host-b/1", now.AddSeconds(1), ct), Is.Empty, "No one else does.");
    }

    [Test]
    public async Task ClaimAsync_OtherQueuesFutureJobsAndOtherOwnersLambdas_AreLeftAlone(CancellationToken ct)
    {
        await using var schema = new TestSchema();
        await using var store = schema.Open();
        var durable = (IDurableJobStore)store;
        var now = TestJobs.Start.AddHours(1);
        var mail = TestJobs.Typed(queue: "mail");
        var later = TestJobs.Scheduled(now.AddSeconds(1));
        var due = TestJobs.Scheduled(now);
        var othersLambda = TestJobs.Lambda();
        var ownLambda = TestJobs.Lambda();
        await store.AddAsync(mail, ct);
        await store.AddAsync(later, ct);
        await store.AddAsync(due, ct);
        await durable.AddAsync(othersLambda, "host-b/1", ct);
        await durable.AddAsync(ownLambda, "host-a/1", ct);

        var claimed = await store.ClaimAsync("default", "host-a/1", 10, now, ct);

        Assert.That(claimed.Select(r => r.Id), Is.EquivalentTo(new[] { due.Id, ownLambda.Id }));
        Assert.That(claimed.Single(r => r.Id == due.Id).ScheduledAt, Is.Null, "A claimed job is no longer scheduled.");
        Assert.That((await store.GetAsync(later.Id, ct))!.Status, Is.EqualTo(JobStatus.Scheduled));
        Assert.That((await store.GetAsync(mail.Id, ct))!.Status, Is.EqualTo(JobStatus.Queued));
        Assert.That((await store.GetAsync(othersLambda.Id, ct))!.Status, Is.EqualTo(JobStatus.Queued), "Only its owner may claim a lambda job.");
        Assert.That((await store.ClaimAsync("default", "host-a/1", 10, now.AddSeconds(1), ct)).Select(r => r.Id), Is.EqualTo(new[] { later.Id }));
    }

    [Test]
    public async Task ClaimAsync_RetryingJobAfterItsBackOff_IsClaimedByAnyHostForItsNextAttempt(CancellationToken ct)
    {
        await using var schema = new TestSchema();
        await using var store = schema.Open();
        IDurableJobStore durable = store;
        var job = TestJobs.Typed();
        await store.AddAsync(job, ct);
        var now = TestJobs.Start;
        await store.ClaimAsync("default", "host-a/1", 1, now, ct);
        var error = new JobError("System.IO.IOException", "disk busy", "stack");
        Assert.That((await durable.TransitionAsync(job.Id, new JobTransition(JobStatus.Retrying, 1, now.AddSeconds(1), now.AddSeconds(10), error), "host-a/1", ct)).IsRecorded, Is.True);

        Assert.That(await store.ClaimAsync("default", "host-b/1", 1, now.AddSeconds(9), ct), Is.Empty, "Still backing off.");
        var next = (await store.ClaimAsync("default", "host-b/1", 1, now.AddSeconds(10), ct)).Single();

        Assert.That((next.Status, next.Attempt, next.Error), Is.EqualTo((JobStatus.Running, 2, error)));
    }

    [Test]
    public async Task ClaimAsync_TwoHostsClaimingConcurrently_EachJobClaimedExactlyOnce(CancellationToken ct)
    {
        await using var schema = new TestSchema();
        await using var first = schema.Open();
        await using var second = schema.Open();
        var jobs = Enumerable.Range(0, 2_000).Select(_ => TestJobs.Typed()).ToList();
        await Task.WhenAll(jobs.Select(job => first.AddAsync(job, ct).AsTask()));
        var claims = new ConcurrentBag<(JobId Id, string Owner)>();

        async Task ClaimAllAsync(PostgreSqlJobStore store, string owner)
        {
            while (true)
            {
                var claimed = await store.ClaimAsync("default", owner, 7, TestJobs.Start.AddMinutes(1), ct);
                if (claimed.Count == 0)
                {
                    return;
                }

                foreach (var record in claimed)
                {
                    claims.Add((record.Id, owner));
                }
            }
        }

        await Task.WhenAll(ClaimAllAsync(first, "host-a/1"), ClaimAllAsync(first, "host-a/2"), ClaimAllAsync(second, "host-b/1"), ClaimAllAsync(second, "host-b/2"));

        Assert.That(claims.Select(c => c.Id), Is.EquivalentTo(jobs.Select(j => j.Id)), "Every job claimed exactly once.");
        Assert.That(claims.Select(c => c.Owner).Distinct().Count(), Is.GreaterThan(1), "The claimers shared the work.");
    }

    [Test]
    public async Task Writes_ManyConcurrentCalls_CommitInFewerBatchesThanWrites(CancellationToken ct)
    {
        await using var schema = new TestSchema();
        await using var store = schema.Open();
        var jobs = Enumerable.Range(0, 1_000).Select(_ => TestJobs.Typed()).ToList();

        await Task.WhenAll(jobs.Select(job => store.AddAsync(job, ct).AsTask()));
        await Task.WhenAll(jobs.Select(job => store.ReportProgressAsync(job.Id, new JobProgress(50, "half"), ct).AsTask()));

        TestContext.Out.WriteLine($"{store.Writer.BatchCount} transactions for {store.Writer.WriteCount} writes");
        Assert.That(store.Writer.WriteCount, Is.EqualTo(2_000));
        Assert.That(store.Writer.BatchCount, Is.LessThan(1_000), "Concurrent writes share a round trip and a transaction.");
        Assert.That(await schema.ScalarAsync("SELECT count(*) FROM {0}.jobs WHERE progress_message = 'half'", ct), Is.EqualTo(1_000L));
    }

    [Test]
    public async Task AddAsync_DuplicateAmongConcurrentAdds_FailsOnlyThatCaller(CancellationToken ct)
    {
        await using var schema = new TestSchema();
        await using var store = schema.Open();
        var existing = TestJobs.Typed();
        await store.AddAsync(existing, ct);
        var fresh = Enumerable.Range(0, 50).Select(_ => TestJobs.Typed()).ToList();

        var adds = fresh.Select(job => store.AddAsync(job, ct).AsTask()).Append(store.AddAsync(existing, ct).AsTask()).ToList();
        var duplicate = adds[^1];
        await Task.WhenAll(adds.Take(50));

        Assert.That(async () => await duplicate, Throws.ArgumentException.With.Message.Contains(existing.Id.ToString()));
        Assert.That(await schema.ScalarAsync("SELECT count(*) FROM {0}.jobs", ct), Is.EqualTo(51L));
    }

    [Test]
    public async Task RenewLeasesAsync_Heartbeat_ListsTheHostWithItsTimes(CancellationToken ct)
    {
        await using var schema = new TestSchema();
        await using var store = schema.Open();

        await store.RenewLeasesAsync("host-a/one", TestJobs.Start, ct);
        await store.RenewLeasesAsync("host-a/one", TestJobs.Start.AddSeconds(2), ct);
        await store.RenewLeasesAsync("host-b/two", TestJobs.Start.AddSeconds(1), ct);
        var hosts = await store.ListHostsAsync(ct);

        Assert.That(hosts, Is.EqualTo(new[]
        {
            new PostgreSqlHost("host-b", "host-b/two", TestJobs.Start.AddSeconds(1), TestJobs.Start.AddSeconds(1)),
            new PostgreSqlHost("host-a", "host-a/one", TestJobs.Start, TestJobs.Start.AddSeconds(2)),
        }));
    }
}
