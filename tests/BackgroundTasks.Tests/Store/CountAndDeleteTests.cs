using Microsoft.Extensions.Time.Testing;

using BackgroundTasks.Testing;

namespace BackgroundTasks.Tests.Store;

/// <summary>IJobStore.CountAsync and DeleteAsync: the in-memory store's own, and the defaults every store gets.</summary>
public sealed class CountAndDeleteTests
{
    private static readonly DateTimeOffset s_start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(s_start);

    [Test]
    public async Task CountAsync_InMemoryMixOfQueuesAndStatuses_CountsEachPair()
    {
        var store = new InMemoryJobStore(new InMemoryJobStoreOptions(), _time);
        await AddAsync(store, "mail", JobStatus.Queued, 3);
        await AddAsync(store, "mail", JobStatus.Failed, 2);
        await AddAsync(store, "default", JobStatus.Running, 1);
        await AddAsync(store, "default", JobStatus.Succeeded, 4);
        await AddAsync(store, "default", JobStatus.Retrying, 1);
        await AddAsync(store, "default", JobStatus.Scheduled, 2);
        await AddAsync(store, "reports", JobStatus.Cancelled, 1);

        var counts = await store.CountAsync();

        Assert.That(counts, Is.EquivalentTo(new Dictionary<(string, JobStatus), int>
        {
            [("mail", JobStatus.Queued)] = 3,
            [("mail", JobStatus.Failed)] = 2,
            [("default", JobStatus.Running)] = 1,
            [("default", JobStatus.Succeeded)] = 4,
            [("default", JobStatus.Retrying)] = 1,
            [("default", JobStatus.Scheduled)] = 2,
            [("reports", JobStatus.Cancelled)] = 1,
        }));
    }

    [Test]
    public async Task CountAsync_InMemoryAfterRetentionPeriod_LeavesForgottenJobsOut()
    {
        var store = new InMemoryJobStore(new InMemoryJobStoreOptions { RetentionPeriod = TimeSpan.FromMinutes(10) }, _time);
        await AddAsync(store, "default", JobStatus.Succeeded, 2);
        await AddAsync(store, "default", JobStatus.Queued, 1);

        _time.Advance(TimeSpan.FromMinutes(10));
        var counts = await store.CountAsync();

        Assert.That(counts, Is.EquivalentTo(new Dictionary<(string, JobStatus), int> { [("default", JobStatus.Queued)] = 1 }));
    }

    [Test]
    public async Task CountAsync_DefaultOverMorePagesThanOne_MatchesTheInMemoryCount()
    {
        // 25,000 jobs: the default reads three pages of 10,000.
        var inMemory = new InMemoryJobStore(new InMemoryJobStoreOptions { MaxFinishedJobs = 100_000 }, _time);
        IJobStore user = new DictionaryJobStore(maxFinished: 100_000);
        foreach (var store in new[] { inMemory, user })
        {
            await AddAsync(store, "default", JobStatus.Succeeded, 15_000);
            await AddAsync(store, "mail", JobStatus.Failed, 9_999);
            await AddAsync(store, "mail", JobStatus.Queued, 1);
        }

        var expected = await inMemory.CountAsync();
        var counted = await user.CountAsync();

        Assert.That(counted, Is.EquivalentTo(expected));
        Assert.That(counted.Values.Sum(), Is.EqualTo(25_000));
    }

    [Test]
    public async Task DeleteAsync_InMemoryFinishedJob_RemovesItFromReadsQueriesAndCounts()
    {
        var store = new InMemoryJobStore(new InMemoryJobStoreOptions(), _time);
        var failed = (await AddAsync(store, "default", JobStatus.Failed, 2))[0];

        Assert.That(await store.DeleteAsync(failed), Is.True);

        Assert.That(await store.GetAsync(failed), Is.Null);
        Assert.That((await store.QueryAsync(new JobQuery())).Select(r => r.Id), Does.Not.Contain(failed));
        Assert.That((await store.CountAsync())[("default", JobStatus.Failed)], Is.EqualTo(1));
        Assert.That(store.Count, Is.EqualTo(1));
        Assert.That(await store.DeleteAsync(failed), Is.False, "a second delete finds nothing");
        Assert.That(await store.TransitionAsync(failed, new JobTransition(JobStatus.Running, 2, s_start)), Is.False, "a deleted job does not come back");
    }

    [TestCase(JobStatus.Scheduled)]
    [TestCase(JobStatus.Queued)]
    [TestCase(JobStatus.Running)]
    [TestCase(JobStatus.Retrying)]
    public async Task DeleteAsync_InMemoryJobNotFinished_ReturnsFalseAndKeepsIt(JobStatus status)
    {
        var store = new InMemoryJobStore(new InMemoryJobStoreOptions(), _time);
        var id = (await AddAsync(store, "default", status, 1))[0];

        Assert.That(await store.DeleteAsync(id), Is.False);
        Assert.That((await store.GetAsync(id))?.Status, Is.EqualTo(status));
    }

    [Test]
    public async Task DeleteAsync_InMemoryDeletedJobsLeaveWithRetention_CountLimitStillHolds()
    {
        var store = new InMemoryJobStore(new InMemoryJobStoreOptions { MaxFinishedJobs = 3 }, _time);
        var first = await AddAsync(store, "default", JobStatus.Succeeded, 3);
        Assert.That(await store.DeleteAsync(first[1]), Is.True);

        var later = await AddAsync(store, "default", JobStatus.Succeeded, 3);

        Assert.That((await store.QueryAsync(new JobQuery())).Select(r => r.Id), Is.EqualTo(later.AsEnumerable().Reverse()));
    }

    [Test]
    public async Task DeleteAsync_StoreWithoutDelete_DefaultReturnsFalseAndKeepsTheJob()
    {
        IJobStore store = new DictionaryJobStore();
        var id = (await AddAsync(store, "default", JobStatus.Succeeded, 1))[0];

        Assert.That(await store.DeleteAsync(id), Is.False);
        Assert.That(await store.GetAsync(id), Is.Not.Null);
    }

    [Test]
    public async Task CountAsync_EmptyStores_ReturnEmptyDictionaries()
    {
        Assert.That(await new InMemoryJobStore().CountAsync(), Is.Empty);
        Assert.That(await ((IJobStore)new DictionaryJobStore()).CountAsync(), Is.Empty);
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Conformance_StoreThatDeletesLiveJobsAndMiscounts_FailsExactlyTheTwoChecks(CancellationToken cancellationToken)
    {
        var report = await JobStoreConformance.VerifyAsync(() => new CarelessDeletingJobStore(), cancellationToken: cancellationToken);

        Assert.That(report.Failures.Select(c => c.Name), Is.EquivalentTo(new[] { "CountsMatchTheJobs", "DeleteRemovesOnlyFinishedJobs" }), report.ToString());
        Assert.That(report.Failures.Single(c => c.Name == "DeleteRemovesOnlyFinishedJobs").Violations[0], Does.Contain("DeleteAsync on a Scheduled job").And.Contain("returned true"));
        Assert.That(report.Failures.Single(c => c.Name == "CountsMatchTheJobs").Violations[0], Does.Contain("(\"mail\", Queued)"));
    }

    [Test]
    public void CheckNames_CountAndDelete_AreListed()
        => Assert.That(JobStoreConformance.CheckNames, Does.Contain("CountsMatchTheJobs").And.Contain("DeleteRemovesOnlyFinishedJobs"));

    /// <summary>Adds jobs and drives them to <paramref name="status"/> through allowed transitions.</summary>
    private async Task<List<JobId>> AddAsync(IJobStore store, string queue, JobStatus status, int count)
    {
        var ids = new List<JobId>(count);
        for (var i = 0; i < count; i++)
        {
            var id = JobId.NewId();
            ids.Add(id);
            var now = _time.GetUtcNow();
            var scheduled = status == JobStatus.Scheduled;
            await store.AddAsync(new JobRecord { Id = id, Queue = queue, Status = scheduled ? JobStatus.Scheduled : JobStatus.Queued, EnqueuedAt = now, ScheduledAt = scheduled ? now.AddHours(1) : null });
            if (status is JobStatus.Scheduled or JobStatus.Queued)
            {
                continue;
            }

            if (status == JobStatus.Cancelled)
            {
                await store.TransitionAsync(id, new JobTransition(JobStatus.Cancelled, 0, now));
                continue;
            }

            await store.TransitionAsync(id, new JobTransition(JobStatus.Running, 1, now));
            var last = status switch
            {
                JobStatus.Retrying => new JobTransition(JobStatus.Retrying, 1, now, now.AddMinutes(1), new JobError("E", "failed", null)),
                JobStatus.Succeeded => new JobTransition(JobStatus.Succeeded, 1, now),
                JobStatus.Failed => new JobTransition(JobStatus.Failed, 1, now, Error: new JobError("E", "failed", null)),
                _ => (JobTransition?)null,
            };
            if (last is { } transition)
            {
                await store.TransitionAsync(id, transition);
            }
        }

        return ids;
    }
}
