namespace BackgroundTasks.Sqlite.Tests.Store;

public sealed class ClaimTests
{
    private static readonly TimeSpan s_lease = TimeSpan.FromSeconds(15);
    private TempDatabase _database = null!;

    [SetUp]
    public void CreateDatabase() => _database = new TempDatabase();

    [TearDown]
    public void DeleteDatabase() => _database.Dispose();

    [Test]
    public async Task ClaimAsync_QueuedJobs_TakesHighestPriorityThenEarliestDueThenSmallestId()
    {
        await using var store = _database.Open();
        var now = TestJobs.Start.AddMinutes(10);
        var lowOld = TestJobs.Typed(priority: JobPriority.Low, enqueuedAt: TestJobs.Start);
        var normalLate = TestJobs.Typed(enqueuedAt: TestJobs.Start.AddMinutes(2));
        var normalEarly = TestJobs.Typed(enqueuedAt: TestJobs.Start.AddMinutes(1));
        var normalEarlySameTime = TestJobs.Typed(enqueuedAt: TestJobs.Start.AddMinutes(1));
        var high = TestJobs.Typed(priority: JobPriority.High, enqueuedAt: TestJobs.Start.AddMinutes(5));
        await store.AddManyAsync([lowOld, normalLate, normalEarlySameTime, normalEarly, high]);

        var first = await store.ClaimAsync("default", "host-a", 3, now, s_lease);
        var rest = await store.ClaimAsync("default", "host-a", 10, now, s_lease);

        Assert.That(first.Select(r => r.Id), Is.EqualTo(new[] { high.Id, normalEarly.Id, normalEarlySameTime.Id }));
        Assert.That(rest.Select(r => r.Id), Is.EqualTo(new[] { normalLate.Id, lowOld.Id }));
        Assert.That(await store.ClaimAsync("default", "host-a", 10, now, s_lease), Is.Empty);
    }

    [Test]
    public async Task ClaimAsync_Claimed_IsRunningForTheOwnerAtTheNextAttemptWithItsArguments()
    {
        await using var store = _database.Open();
        var job = TestJobs.Typed() with { Arguments = """{"invoice":7,"note":"ünï"}""" };
        await store.AddAsync(job);
        var now = TestJobs.Start.AddSeconds(30);

        var claimed = (await store.ClaimAsync("default", "host-a", 5, now, s_lease)).Single();

        var expected = job with { Status = JobStatus.Running, Attempt = 1, StartedAt = now };
        Assert.That(claimed, Is.EqualTo(expected));
        Assert.That(await store.GetAsync(job.Id), Is.EqualTo(expected));
        Assert.That(await store.RenewLeasesAsync("host-a", now.AddSeconds(40)), Is.EqualTo(new[] { job.Id }), "The owner holds the lease.");
    }

    [Test]
    public async Task ClaimAsync_OtherQueuesAndFutureJobs_AreLeftAlone()
    {
        await using var store = _database.Open();
        var now = TestJobs.Start.AddHours(1);
        var mail = TestJobs.Typed(queue: "mail");
        var later = TestJobs.Scheduled(now.AddSeconds(1));
        var due = TestJobs.Scheduled(now);
        await store.AddManyAsync([mail, later, due]);

        var claimed = await store.ClaimAsync("default", "host-a", 10, now, s_lease);

        Assert.That(claimed.Select(r => r.Id), Is.EqualTo(new[] { due.Id }));
        Assert.That(claimed[0].ScheduledAt, Is.Null, "A claimed job is no longer scheduled.");
        Assert.That((await store.GetAsync(later.Id))!.Status, Is.EqualTo(JobStatus.Scheduled));
        Assert.That((await store.GetAsync(mail.Id))!.Status, Is.EqualTo(JobStatus.Queued));
        Assert.That((await store.ClaimAsync("default", "host-a", 10, now.AddSeconds(1), s_lease)).Select(r => r.Id), Is.EqualTo(new[] { later.Id }));
    }

    [Test]
    public async Task ClaimAsync_RetryingJobAfterItsBackOff_IsClaimedForItsNextAttempt()
    {
        await using var store = _database.Open();
        var job = TestJobs.Typed();
        await store.AddAsync(job);
        var now = TestJobs.Start;
        await store.ClaimAsync("default", "host-a", 1, now, s_lease);
        var error = new JobError("System.IO.IOException", "disk busy", "stack");
        Assert.That(await store.TransitionAsync(job.Id, new JobTransition(JobStatus.Retrying, 1, now.AddSeconds(1), now.AddSeconds(10), error), "host-a"), Is.True);

        Assert.That(await store.ClaimAsync("default", "host-b", 1, now.AddSeconds(9), s_lease), Is.Empty, "Still backing off.");
        var retried = (await store.ClaimAsync("default", "host-b", 1, now.AddSeconds(10), s_lease)).Single();

        Assert.That(retried.Attempt, Is.EqualTo(2));
        Assert.That(retried.Status, Is.EqualTo(JobStatus.Running));
        Assert.That(retried.Error, Is.EqualTo(error), "The failed attempt's error stays until the next outcome.");
    }

    [Test]
    public void ClaimAsync_BadArguments_Throw()
    {
        using var database = new TempDatabase();
        var store = database.Open();
        Assert.Multiple(() =>
        {
            Assert.ThrowsAsync<ArgumentException>(() => store.ClaimAsync("", "host", 1, TestJobs.Start, s_lease));
            Assert.ThrowsAsync<ArgumentException>(() => store.ClaimAsync("default", "", 1, TestJobs.Start, s_lease));
            Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ClaimAsync("default", "host", 0, TestJobs.Start, s_lease));
            Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ClaimAsync("default", "host", 1, TestJobs.Start, TimeSpan.Zero));
        });
        store.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task ClaimAsync_TwoStoresOnOneFileClaimingConcurrently_EachJobClaimedExactlyOncePerAttempt(CancellationToken cancellationToken)
    {
        await using var first = _database.Open();
        await using var second = _database.Open();
        var jobs = Enumerable.Range(0, 600).Select(i => TestJobs.Typed(priority: (JobPriority)(i % 3 - 1))).ToList();
        await first.AddManyAsync(jobs, cancellationToken);
        var now = TestJobs.Start.AddMinutes(1);

        // Round 1 claims attempt 1 of every job, and each claimer fails its jobs for a retry 5 s later;
        // round 2, 10 s later, claims attempt 2.
        for (var attempt = 1; attempt <= 2; attempt++)
        {
            // Each claimer waits after its first claim until the other has claimed too, so that both race for the rest.
            var waitingForFirstClaims = 2;
            var bothClaimed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var claims = await Task.WhenAll(
                Task.Run(() => ClaimUntilEmptyAsync(first, "host-a", attempt, FirstClaimDoneAsync), cancellationToken),
                Task.Run(() => ClaimUntilEmptyAsync(second, "host-b", attempt, FirstClaimDoneAsync), cancellationToken));

            var all = claims.SelectMany(c => c).ToList();
            Assert.That(all.Select(r => r.Id), Is.Unique, $"No job is handed to two claimers in attempt {attempt}.");
            Assert.That(all.Select(r => r.Id), Is.EquivalentTo(jobs.Select(j => j.Id)), $"Every job is claimed in attempt {attempt}.");
            Assert.That(all.Select(r => r.Attempt), Is.All.EqualTo(attempt));
            Assert.That(claims.Select(c => c.Count), Is.All.GreaterThan(0), "Both claimers got work.");

            Task FirstClaimDoneAsync()
            {
                if (Interlocked.Decrement(ref waitingForFirstClaims) == 0)
                {
                    bothClaimed.SetResult();
                }

                return bothClaimed.Task.WaitAsync(cancellationToken);
            }
        }

        async Task<List<JobRecord>> ClaimUntilEmptyAsync(SqliteJobStore store, string owner, int attempt, Func<Task> firstClaimDone)
        {
            var at = now.AddSeconds(10 * attempt);
            var claimed = new List<JobRecord>();
            while (true)
            {
                var batch = await store.ClaimAsync("default", owner, 7, at, s_lease, cancellationToken);
                if (batch.Count == 0)
                {
                    return claimed;
                }

                claimed.AddRange(batch);
                if (claimed.Count == batch.Count)
                {
                    await firstClaimDone();
                }
                if (attempt == 1)
                {
                    foreach (var job in batch)
                    {
                        var retry = new JobTransition(JobStatus.Retrying, job.Attempt, at, at.AddSeconds(5), new JobError("System.Exception", "again", null));
                        Assert.That(await store.TransitionAsync(job.Id, retry, owner, cancellationToken), Is.True);
                    }
                }
            }
        }
    }

    [Test]
    public async Task RenewLeasesAsync_Owner_ExtendsOnlyItsOwnRunningJobs()
    {
        await using var store = _database.Open(o => o.LeaseDuration = TimeSpan.FromSeconds(5));
        var now = TestJobs.Start;
        await store.AddManyAsync([TestJobs.Typed(), TestJobs.Typed(), TestJobs.Typed(queue: "other")]);
        var mine = await store.ClaimAsync("default", "host-a", 2, now, store.LeaseDuration);
        var theirs = await store.ClaimAsync("other", "host-b", 1, now, store.LeaseDuration);

        var renewed = await store.RenewLeasesAsync("host-a", now.AddSeconds(20));
        var recovered = await store.RecoverAsync(now.AddSeconds(10));

        Assert.That(renewed, Is.EquivalentTo(mine.Select(r => r.Id)));
        Assert.That(recovered.Requeued, Is.EqualTo(theirs.Select(r => r.Id)), "Only the job whose lease was not renewed is recovered.");
        Assert.That(await store.RenewLeasesAsync("host-c", now.AddSeconds(20)), Is.Empty);
    }
}
