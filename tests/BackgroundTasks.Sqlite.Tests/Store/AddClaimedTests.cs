namespace BackgroundTasks.Sqlite.Tests.Store;

/// <summary><see cref="IDurableJobStore.AddClaimedAsync"/>: a job recorded already claimed, in one write, and recovered like any claimed job.</summary>
public sealed class AddClaimedTests
{
    private static readonly TimeSpan s_lease = TimeSpan.FromSeconds(15);
    private TempDatabase _database = null!;

    [SetUp]
    public void CreateDatabase() => _database = new TempDatabase();

    [TearDown]
    public void DeleteDatabase() => _database.Dispose();

    [Test]
    public async Task AddClaimedAsync_QueuedJob_IsRunningForTheOwnerAtAttemptOneInOneWrite()
    {
        await using var store = _database.Open(o => o.LeaseDuration = s_lease);
        var job = TestJobs.Typed() with { Arguments = """{"invoice":7}""" };
        var now = TestJobs.Start.AddSeconds(30);
        var writes = store.WriteCount;

        var claimed = await ((IDurableJobStore)store).AddClaimedAsync(job, "host-a/1", now);

        Assert.That(claimed, Is.True);
        Assert.That(store.WriteCount - writes, Is.EqualTo(1), "The insert is the claim: no second write.");
        Assert.That(await store.GetAsync(job.Id), Is.EqualTo(job with { Status = JobStatus.Running, Attempt = 1, StartedAt = now }));
        Assert.That(await store.RenewLeasesAsync("host-a/1", now.AddSeconds(10)), Is.EqualTo(new[] { job.Id }), "The owner holds the lease.");
        Assert.That(await store.ClaimAsync("default", "host-b/1", 5, now, s_lease), Is.Empty, "No other owner can claim it.");
    }

    [Test]
    public async Task AddClaimedAsync_OwnerStopsRenewing_JobIsRecoveredAsItsNextAttemptOnceTheLeaseExpires()
    {
        await using var store = _database.Open(o => o.LeaseDuration = s_lease);
        IDurableJobStore durable = store;
        var job = TestJobs.Typed(maxAttempts: 3);
        var now = TestJobs.Start;
        await durable.AddClaimedAsync(job, "host-a/1", now);

        Assert.That(await durable.RecoverAsync(now + s_lease - TimeSpan.FromSeconds(1), host: null, "host-b/1"), Is.Empty, "The lease has not expired yet.");
        Assert.That(await durable.RecoverAsync(now + s_lease + TimeSpan.FromSeconds(1), host: null, "host-b/1"), Has.Count.EqualTo(1));
        var again = await durable.ClaimAsync("default", "host-b/1", 5, now + s_lease + TimeSpan.FromSeconds(2));

        Assert.That(again.Select(static r => (r.Id, r.Attempt)), Is.EqualTo(new[] { (job.Id, 2) }));
    }

    [Test]
    public async Task AddClaimedAsync_OutcomeOfTheOwner_IsRecordedAndAnotherOwnersIsRefused()
    {
        await using var store = _database.Open(o => o.LeaseDuration = s_lease);
        IDurableJobStore durable = store;
        var job = TestJobs.Typed();
        await durable.AddClaimedAsync(job, "host-a/1", TestJobs.Start);
        var done = new JobTransition(JobStatus.Succeeded, 1, TestJobs.Start.AddSeconds(1));

        Assert.That((await durable.TransitionAsync(job.Id, done, "host-b/1")).IsRecorded, Is.False);
        Assert.That((await durable.TransitionAsync(job.Id, done, "host-a/1")).IsRecorded, Is.True);
        Assert.That((await store.GetAsync(job.Id))!.Status, Is.EqualTo(JobStatus.Succeeded));
    }

    [Test]
    public void AddClaimedAsync_ScheduledJob_ThrowsNamingTheJob()
    {
        using var store = _database.Open();
        var job = TestJobs.Scheduled(TestJobs.Start.AddMinutes(5));

        var thrown = Assert.ThrowsAsync<ArgumentException>(async () => await ((IDurableJobStore)store).AddClaimedAsync(job, "host-a/1", TestJobs.Start));

        Assert.That(thrown!.ParamName, Is.EqualTo("job"));
        Assert.That(thrown.Message, Does.Contain(job.Id.ToString()).And.Contain("Queued"));
    }
}
