namespace BackgroundTasks.PostgreSql.Tests.Store;

/// <summary><see cref="IDurableJobStore.AddClaimedAsync"/>: a job recorded already claimed by this host, in one write, and recovered like any claimed job.</summary>
[CancelAfter(60_000)]
public sealed class AddClaimedTests
{
    // The store's lease is 6 seconds.
    private static readonly TimeSpan s_lease = TimeSpan.FromSeconds(6);

    [Test]
    public async Task AddClaimedAsync_QueuedJob_IsRunningForTheOwnerAtAttemptOne(CancellationToken ct)
    {
        await using var schema = new TestSchema();
        await using var store = schema.Open();
        IDurableJobStore durable = store;
        var job = TestJobs.Typed() with { Arguments = """{"invoice":7}""" };
        var now = TestJobs.Start.AddSeconds(30);

        var claimed = await durable.AddClaimedAsync(job, "host-a/1", now, ct);

        Assert.That(claimed, Is.True);
        var record = await store.GetAsync(job.Id, ct);
        Assert.That((record!.Status, record.Attempt, record.StartedAt, record.Arguments), Is.EqualTo((JobStatus.Running, 1, (DateTimeOffset?)now, job.Arguments)));
        Assert.That(await durable.RenewLeasesAsync("host-a/1", now.AddSeconds(1), ct), Is.EqualTo(new[] { job.Id }), "The owner holds the lease.");
        Assert.That(await durable.ClaimAsync("default", "host-b/1", 5, now, ct), Is.Empty, "No other owner can claim it.");
    }

    [Test]
    public async Task AddClaimedAsync_OwnerStopsRenewing_JobIsRecoveredAsItsNextAttempt(CancellationToken ct)
    {
        await using var schema = new TestSchema();
        await using var store = schema.Open();
        IDurableJobStore durable = store;
        var job = TestJobs.Typed(maxAttempts: 3);
        var now = TestJobs.Start;
        await durable.AddClaimedAsync(job, "host-a/1", now, ct);

        Assert.That(await durable.RecoverAsync(now + s_lease - TimeSpan.FromSeconds(1), host: null, "host-b/1", ct), Is.Empty, "The lease has not expired yet.");
        Assert.That(await durable.RecoverAsync(now + s_lease + TimeSpan.FromSeconds(1), host: null, "host-b/1", ct), Has.Count.EqualTo(1));
        var again = await durable.ClaimAsync("default", "host-b/1", 5, now + s_lease + TimeSpan.FromSeconds(2), ct);

        Assert.That(again.Select(static r => (r.Id, r.Attempt)), Is.EqualTo(new[] { (job.Id, 2) }));
    }

    [Test]
    public async Task AddClaimedAsync_OutcomeOfTheOwner_IsRecordedAndAnotherOwnersIsRefused(CancellationToken ct)
    {
        await using var schema = new TestSchema();
        await using var store = schema.Open();
        IDurableJobStore durable = store;
        var job = TestJobs.Typed();
        await durable.AddClaimedAsync(job, "host-a/1", TestJobs.Start, ct);
        var done = new JobTransition(JobStatus.Succeeded, 1, TestJobs.Start.AddSeconds(1));

        Assert.That((await durable.TransitionAsync(job.Id, done, "host-b/1", ct)).IsRecorded, Is.False);
        Assert.That((await durable.TransitionAsync(job.Id, done, "host-a/1", ct)).IsRecorded, Is.True);
        Assert.That((await store.GetAsync(job.Id, ct))!.Status, Is.EqualTo(JobStatus.Succeeded));
    }

    [Test]
    public async Task AddClaimedAsync_ScheduledJob_IsRefusedNamingTheJob(CancellationToken ct)
    {
        await using var schema = new TestSchema();
        await using var store = schema.Open();
        IDurableJobStore durable = store;
        var job = TestJobs.Scheduled(TestJobs.Start.AddMinutes(1));

        Assert.That(
            async () => await durable.AddClaimedAsync(job, "host-a/1", TestJobs.Start, ct),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("job").And.Message.Contains(job.Id.ToString()));
    }
}
