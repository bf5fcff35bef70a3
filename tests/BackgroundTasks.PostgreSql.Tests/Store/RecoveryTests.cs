namespace BackgroundTasks.PostgreSql.Tests.Store;

[CancelAfter(60_000)]
public sealed class RecoveryTests
{
    private static readonly DateTimeOffset s_claimedAt = TestJobs.Start;

    // The store's lease is 6 seconds: a claim at s_claimedAt holds until then.
    private static readonly DateTimeOffset s_expired = s_claimedAt.AddSeconds(7);

    [Test]
    public async Task RecoverAsync_ExpiredLeaseTypedJobWithAttemptsLeft_QueuesItForItsNextAttempt(CancellationToken ct)
    {
        await using var schema = new TestSchema();
        await using var store = schema.Open();
        var job = TestJobs.Typed(maxAttempts: 3);
        await store.AddAsync(job, ct);
        await store.ClaimAsync("default", "host-b/1", 1, s_claimedAt, ct);

        var result = await store.RecoverAsync(s_expired, host: null, currentOwner: "host-a/1", ct);
        var record = await store.GetAsync(job.Id, ct);

        Assert.That(result.Requeued, Is.EqualTo(new[] { job.Id }));
        Assert.That((record!.Status, record.Attempt), Is.EqualTo((JobStatus.Queued, 1)));
        Assert.That(record.Error!.Type, Is.EqualTo(PostgreSqlJobStore.AbandonedErrorType));
        Assert.That(record.Error.Message, Does.Contain("Attempt 1 of 3").And.Contain("'host-b/1'").And.Contain("attempt 2"));
        Assert.That((await store.ClaimAsync("default", "host-a/1", 1, s_expired, ct)).Single().Attempt, Is.EqualTo(2));
    }

    [Test]
    public async Task RecoverAsync_ExpiredLeaseOnTheLastAttemptOrALambda_FailsItSayingWhy(CancellationToken ct)
    {
        await using var schema = new TestSchema();
        await using var store = schema.Open();
        var last = TestJobs.Typed(maxAttempts: 1);
        var lambda = TestJobs.Lambda();
        await store.AddAsync(last, ct);
        await ((IDurableJobStore)store).AddAsync(lambda, "host-b/1", ct);
        await store.ClaimAsync("default", "host-b/1", 2, s_claimedAt, ct);
        await schema.ScalarAsync("UPDATE {0}.jobs SET lease_until = 0", ct);

        var result = await store.RecoverAsync(s_expired, host: null, currentOwner: "host-a/1", ct);

        Assert.That(result.Abandoned, Is.EqualTo(new[] { last.Id }));
        Assert.That(result.LambdasFailed, Is.EqualTo(new[] { lambda.Id }));
        var abandoned = await store.GetAsync(last.Id, ct);
        Assert.That((abandoned!.Status, abandoned.FinishedAt), Is.EqualTo((JobStatus.Failed, (DateTimeOffset?)s_expired)));
        Assert.That(abandoned.Error!.Message, Does.Contain("after 1 of 1 attempts").And.Contain("no attempt is left"));
        Assert.That((await store.GetAsync(lambda.Id, ct))!.Error!.Message, Does.Contain("lambda job cannot be re-run"));
    }

    [Test]
    public async Task RecoverAsync_LeaseRenewed_LeavesTheJobRunning(CancellationToken ct)
    {
        await using var schema = new TestSchema();
        await using var store = schema.Open();
        var job = TestJobs.Typed();
        await store.AddAsync(job, ct);
        await store.ClaimAsync("default", "host-b/1", 1, s_claimedAt, ct);
        await store.RenewLeasesAsync("host-b/1", s_claimedAt.AddSeconds(5), ct);

        var result = await store.RecoverAsync(s_expired, host: null, currentOwner: "host-a/1", ct);

        Assert.That(result.Count, Is.Zero);
        Assert.That((await store.GetAsync(job.Id, ct))!.Status, Is.EqualTo(JobStatus.Running));
    }

    [Test]
    public async Task RecoverAsync_RestartedHost_RecoversItsEarlierInstanceAtOnceAndNoOneElses(CancellationToken ct)
    {
        await using var schema = new TestSchema();
        await using var store = schema.Open();
        var earlier = TestJobs.Typed();
        var current = TestJobs.Typed();
        var other = TestJobs.Typed();
        var namesake = TestJobs.Typed();
        foreach (var job in new[] { earlier, current, other, namesake })
        {
            await store.AddAsync(job, ct);
        }

        await store.ClaimAsync("default", "host-a/old", 1, s_claimedAt, ct);
        await store.ClaimAsync("default", "host-a/new", 1, s_claimedAt, ct);
        await store.ClaimAsync("default", "host-b/1", 1, s_claimedAt, ct);
        await store.ClaimAsync("default", "host-ab/1", 1, s_claimedAt, ct);

        var result = await store.RecoverAsync(s_claimedAt.AddSeconds(1), "host-a", "host-a/new", ct);

        Assert.That(result.Requeued, Is.EqualTo(new[] { earlier.Id }), "Only the earlier instance of host-a; its lease had time to go.");
        Assert.That((await store.GetAsync(earlier.Id, ct))!.Error!.Message, Does.Contain("its host 'host-a/old' stopped"));
    }

    [Test]
    public async Task TransitionAsyncWithOwner_HostThatLostItsLease_CannotOverwriteTheNextAttempt(CancellationToken ct)
    {
        await using var schema = new TestSchema();
        await using var store = schema.Open();
        IDurableJobStore durable = store;
        var job = TestJobs.Typed();
        await store.AddAsync(job, ct);
        await store.ClaimAsync("default", "host-b/1", 1, s_claimedAt, ct);
        await store.RecoverAsync(s_expired, null, "host-a/1", ct);
        await store.ClaimAsync("default", "host-a/1", 1, s_expired, ct);

        var late = await durable.TransitionAsync(job.Id, new JobTransition(JobStatus.Succeeded, 1, s_expired.AddSeconds(1)), "host-b/1", ct);
        var lateSameAttemptWrongOwner = await durable.TransitionAsync(job.Id, new JobTransition(JobStatus.Failed, 2, s_expired.AddSeconds(1)), "host-b/1", ct);
        var current = await durable.TransitionAsync(job.Id, new JobTransition(JobStatus.Succeeded, 2, s_expired.AddSeconds(2), Result: 42), "host-a/1", ct);

        Assert.That((late.IsRecorded, lateSameAttemptWrongOwner.IsRecorded, current.IsRecorded), Is.EqualTo((false, false, true)));
        var record = await store.GetAsync(job.Id, ct);
        Assert.That((record!.Status, record.Attempt, record.Result), Is.EqualTo((JobStatus.Succeeded, 2, (object?)42)));
    }

    [Test]
    public async Task TransitionAsyncWithOwner_CompletedBeforeTheLeaseExpired_IsNotRecovered(CancellationToken ct)
    {
        await using var schema = new TestSchema();
        await using var store = schema.Open();
        var job = TestJobs.Typed();
        await store.AddAsync(job, ct);
        await store.ClaimAsync("default", "host-b/1", 1, s_claimedAt, ct);
        await ((IDurableJobStore)store).TransitionAsync(job.Id, new JobTransition(JobStatus.Succeeded, 1, s_claimedAt.AddSeconds(1)), "host-b/1", ct);

        var result = await store.RecoverAsync(s_expired, null, "host-a/1", ct);

        Assert.That(result.Count, Is.Zero);
        Assert.That((await store.GetAsync(job.Id, ct))!.Status, Is.EqualTo(JobStatus.Succeeded));
    }

    [Test]
    public async Task RunRetentionAsync_ByCount_KeepsTheNewestFinishedAndEveryLiveJob(CancellationToken ct)
    {
        await using var schema = new TestSchema();
        await using var store = schema.Open(o => { o.MaxFinishedJobs = 3; o.RetentionBatchSize = 2; });
        var finished = new List<JobId>();
        for (var i = 0; i < 7; i++)
        {
            var job = TestJobs.Typed();
            await store.AddAsync(job, ct);
            await store.TransitionAsync(job.Id, new JobTransition(JobStatus.Cancelled, 0, TestJobs.Start, CancelReason: JobCancelReason.Requested), ct);
            finished.Add(job.Id);
        }

        var live = TestJobs.Typed();
        await store.AddAsync(live, ct);

        var deleted = await store.RunRetentionAsync(ct);

        Assert.That(deleted, Is.EqualTo(4));
        var left = await store.QueryAsync(new JobQuery(), ct);
        Assert.That(left.Select(r => r.Id), Is.EquivalentTo(finished.Skip(4).Append(live.Id)));
    }
}
