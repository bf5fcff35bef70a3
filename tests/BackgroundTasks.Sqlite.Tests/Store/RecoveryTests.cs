namespace BackgroundTasks.Sqlite.Tests.Store;

public sealed class RecoveryTests
{
    private static readonly TimeSpan s_lease = TimeSpan.FromSeconds(15);
    private static readonly DateTimeOffset s_claimedAt = TestJobs.Start.AddMinutes(1);
    private static readonly DateTimeOffset s_afterLease = s_claimedAt + s_lease + TimeSpan.FromTicks(1);
    private TempDatabase _database = null!;
    private SqliteJobStore _store = null!;

    [SetUp]
    public void Open()
    {
        _database = new TempDatabase();
        _store = _database.Open();
    }

    [TearDown]
    public async Task Close()
    {
        await _store.DisposeAsync();
        _database.Dispose();
    }

    [Test]
    public async Task RecoverAsync_ExpiredLeaseTypedJobWithAttemptsLeft_QueuesItForItsNextAttempt()
    {
        var job = await ClaimAsync(TestJobs.Typed(maxAttempts: 3));

        var result = await _store.RecoverAsync(s_afterLease);

        Assert.That(result.Requeued, Is.EqualTo(new[] { job.Id }));
        Assert.That(result.Count, Is.EqualTo(1));
        var record = (await _store.GetAsync(job.Id))!;
        Assert.That(record.Status, Is.EqualTo(JobStatus.Queued));
        Assert.That(record.Attempt, Is.EqualTo(1));
        Assert.That(record.Error!.Type, Is.EqualTo(SqliteJobStore.AbandonedErrorType));
        Assert.That(record.Error.Message, Does.Contain("Attempt 1 of 3 was abandoned").And.Contain("host-a").And.Contain("2026-03-01T12:01:15").And.Contain("queued again for attempt 2"));
        var next = (await _store.ClaimAsync("host-a-queue", "host-b", 1, s_afterLease, s_lease)).Single();
        Assert.That(next.Attempt, Is.EqualTo(2));
    }

    [Test]
    public async Task RecoverAsync_ExpiredLeaseTypedJobOnItsLastAttempt_FailsItAsAbandoned()
    {
        var job = await ClaimAsync(TestJobs.Typed(maxAttempts: 1));

        var result = await _store.RecoverAsync(s_afterLease);

        Assert.That(result.Abandoned, Is.EqualTo(new[] { job.Id }));
        var record = (await _store.GetAsync(job.Id))!;
        Assert.That(record.Status, Is.EqualTo(JobStatus.Failed));
        Assert.That(record.FinishedAt, Is.EqualTo(s_afterLease));
        Assert.That(record.Error!.Message, Does.Contain("abandoned after 1 of 1 attempts").And.Contain("lease of host 'host-a' expired at 2026-03-01T12:01:15").And.Contain("no attempt is left"));
    }

    [Test]
    public async Task RecoverAsync_ExpiredLeaseLambdaJob_FailsItSayingItCannotBeRerun()
    {
        var job = await ClaimAsync(TestJobs.Lambda(maxAttempts: 5));

        var result = await _store.RecoverAsync(s_afterLease);

        Assert.That(result.LambdasFailed, Is.EqualTo(new[] { job.Id }));
        var record = (await _store.GetAsync(job.Id))!;
        Assert.That(record.Status, Is.EqualTo(JobStatus.Failed));
        Assert.That(record.Error!.Message, Does.Contain("abandoned").And.Contain("a lambda job cannot be re-run").And.Contain("Enqueue a typed job"));
    }

    [Test]
    public async Task RecoverAsync_LeaseNotExpiredOrRenewed_LeavesTheJobRunning()
    {
        var renewed = await ClaimAsync(TestJobs.Typed());
        var fresh = await ClaimAsync(TestJobs.Typed(), owner: "host-b", at: s_afterLease.AddSeconds(-1));
        await _store.RenewLeasesAsync("host-a", s_afterLease.AddSeconds(30));

        var result = await _store.RecoverAsync(s_afterLease);

        Assert.That(result.Count, Is.Zero);
        Assert.That((await _store.GetAsync(renewed.Id))!.Status, Is.EqualTo(JobStatus.Running));
        Assert.That((await _store.GetAsync(fresh.Id))!.Status, Is.EqualTo(JobStatus.Running));
    }

    [Test]
    public async Task RecoverAsync_DeadOwner_RecoversItsJobsAtOnceAndNoOneElses()
    {
        var mine = await ClaimAsync(TestJobs.Typed());
        var myLambda = await ClaimAsync(TestJobs.Lambda());
        var theirs = await ClaimAsync(TestJobs.Typed(), owner: "host-b");

        var result = await _store.RecoverAsync(s_claimedAt, deadOwner: "host-a");

        Assert.That(result.Requeued, Is.EqualTo(new[] { mine.Id }));
        Assert.That(result.LambdasFailed, Is.EqualTo(new[] { myLambda.Id }));
        Assert.That((await _store.GetAsync(mine.Id))!.Error!.Message, Does.Contain("its host 'host-a' stopped before the attempt finished"));
        Assert.That((await _store.GetAsync(theirs.Id))!.Status, Is.EqualTo(JobStatus.Running));
    }

    [Test]
    public async Task TransitionAsyncWithOwner_HostThatLostItsLease_CannotOverwriteTheNextAttempt()
    {
        var job = await ClaimAsync(TestJobs.Typed());
        await _store.RecoverAsync(s_afterLease);
        var success = new JobTransition(JobStatus.Succeeded, 1, s_afterLease, Result: "late");

        // While the job waits for its next attempt, the old host's outcome is refused.
        Assert.That(await _store.TransitionAsync(job.Id, success, "host-a"), Is.False);
        Assert.That((await _store.GetAsync(job.Id))!.Status, Is.EqualTo(JobStatus.Queued));

        var next = (await _store.ClaimAsync("host-a-queue", "host-b", 1, s_afterLease, s_lease)).Single();
        Assert.That(await _store.TransitionAsync(job.Id, success, "host-a"), Is.False, "Old owner, old attempt.");
        Assert.That(await _store.TransitionAsync(job.Id, success, "host-b"), Is.False, "New owner, old attempt.");
        Assert.That(await _store.TransitionAsync(job.Id, success with { Attempt = 2 }, "host-a"), Is.False, "Old owner, new attempt.");
        Assert.That(await _store.TransitionAsync(job.Id, new JobTransition(JobStatus.Failed, 1, s_afterLease), "host-a"), Is.False);
        Assert.That(await _store.TransitionAsync(job.Id, new JobTransition(JobStatus.Retrying, 1, s_afterLease, s_afterLease), "host-a"), Is.False);
        Assert.That(await _store.TransitionAsync(job.Id, new JobTransition(JobStatus.Cancelled, 1, s_afterLease, CancelReason: JobCancelReason.Shutdown), "host-a"), Is.False);
        Assert.That((await _store.GetAsync(job.Id))!.Status, Is.EqualTo(JobStatus.Running));

        Assert.That(await _store.TransitionAsync(job.Id, success with { Attempt = next.Attempt, Result = 42 }, "host-b"), Is.True);
        var record = (await _store.GetAsync(job.Id))!;
        Assert.That(record.Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That(record.Result, Is.EqualTo(42));
        Assert.That(await _store.RecoverAsync(s_afterLease.AddHours(1)), Has.Property(nameof(RecoveryResult.Count)).Zero, "A finished job holds no lease.");
    }

    [Test]
    public async Task TransitionAsyncWithOwner_CompletedBeforeTheLeaseExpired_IsNotRecovered()
    {
        var job = await ClaimAsync(TestJobs.Typed());
        Assert.That(await _store.TransitionAsync(job.Id, new JobTransition(JobStatus.Succeeded, 1, s_claimedAt.AddSeconds(1)), "host-a"), Is.True);

        var result = await _store.RecoverAsync(s_afterLease);

        Assert.That(result.Count, Is.Zero);
        Assert.That((await _store.GetAsync(job.Id))!.Status, Is.EqualTo(JobStatus.Succeeded));
    }

    [Test]
    public void TransitionAsyncWithOwner_NotAnOutcome_ThrowsArgumentException()
    {
        var exception = Assert.Throws<ArgumentException>(() => _store.TransitionAsync(JobId.NewId(), new JobTransition(JobStatus.Running, 1, s_claimedAt), "host-a"));
        Assert.That(exception!.Message, Does.Contain("not Running"));
    }

    private async Task<JobRecord> ClaimAsync(JobRecord job, string owner = "host-a", DateTimeOffset? at = null)
    {
        await _store.AddAsync(job with { Queue = owner + "-queue" });
        return (await _store.ClaimAsync(owner + "-queue", owner, 1, at ?? s_claimedAt, s_lease)).Single();
    }
}
