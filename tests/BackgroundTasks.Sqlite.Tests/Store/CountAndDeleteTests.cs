using System.Diagnostics;

namespace BackgroundTasks.Sqlite.Tests.Store;

public sealed class CountAndDeleteTests
{
    private TempDatabase _database = null!;

    [SetUp]
    public void CreateDatabase() => _database = new TempDatabase();

    [TearDown]
    public void DeleteDatabase() => _database.Dispose();

    [Test]
    public async Task CountAsync_JobsInEveryStatus_MatchesTheDefaultCountThroughQueries()
    {
        await using var store = _database.Open();
        var statuses = Enum.GetValues<JobStatus>();
        for (var i = 0; i < 70; i++)
        {
            await AddInAsync(store, statuses[i % statuses.Length], i % 3 == 0 ? "mail" : "default");
        }

        var counts = await store.CountAsync();
        var throughQueries = await ((IJobStore)new QueryOnlyStore(store)).CountAsync();

        Assert.That(counts, Is.EquivalentTo(throughQueries));
        Assert.That(counts.Values.Sum(), Is.EqualTo(70));
        Assert.That(counts.Keys.Select(k => k.Status).Distinct(), Is.EquivalentTo(statuses));
    }

    [Test]
    public async Task DeleteAsync_FinishedJob_IsGoneAfterReopening()
    {
        JobId failed;
        JobId queued;
        await using (var store = _database.Open())
        {
            failed = await AddInAsync(store, JobStatus.Failed);
            queued = await AddInAsync(store, JobStatus.Queued);

            Assert.That(await store.DeleteAsync(failed), Is.True);
            Assert.That(await store.DeleteAsync(failed), Is.False, "a second delete finds nothing");
            Assert.That(await store.DeleteAsync(queued), Is.False, "a job that may still run is kept");
            Assert.That(await store.DeleteAsync(JobId.NewId()), Is.False);
        }

        await using var reopened = _database.Open();
        Assert.That(await reopened.GetAsync(failed), Is.Null);
        Assert.That((await reopened.GetAsync(queued))?.Status, Is.EqualTo(JobStatus.Queued));
        Assert.That(await reopened.CountAsync(), Is.EquivalentTo(new Dictionary<(string, JobStatus), int> { [("default", JobStatus.Queued)] = 1 }));
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task CountAsync_HundredThousandFinishedJobs_PrintsTheTime(CancellationToken cancellationToken)
    {
        await using var store = _database.Open(o => o.MaxFinishedJobs = 1_000_000);
        for (var batch = 0; batch < 10; batch++)
        {
            var jobs = Enumerable.Range(0, 10_000).Select(_ => TestJobs.Typed(batch % 2 == 0 ? "default" : "mail")).ToList();
            await store.AddManyAsync(jobs, cancellationToken);
            await Task.WhenAll(jobs.Select(job => store.TransitionAsync(job.Id, new JobTransition(JobStatus.Cancelled, 0, TestJobs.Start), cancellationToken).AsTask()));
        }

        await store.CountAsync(cancellationToken);
        var clock = Stopwatch.StartNew();
        var counts = await store.CountAsync(cancellationToken);
        var elapsed = clock.Elapsed;

        TestContext.Out.WriteLine($"SQLite CountAsync over 100,000 finished jobs: {elapsed.TotalMilliseconds:0.0} ms");
        Assert.That(counts.Values.Sum(), Is.EqualTo(100_000));
        Assert.That(elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "a sanity bound, not a target");
    }

    private static async Task<JobId> AddInAsync(SqliteJobStore store, JobStatus status, string queue = "default")
    {
        var job = status == JobStatus.Scheduled ? TestJobs.Scheduled(TestJobs.Start.AddHours(1), queue) : TestJobs.Typed(queue);
        await store.AddAsync(job);
        var at = TestJobs.Start;
        switch (status)
        {
            case JobStatus.Scheduled or JobStatus.Queued:
                break;
            case JobStatus.Cancelled:
                await store.TransitionAsync(job.Id, new JobTransition(JobStatus.Cancelled, 0, at));
                break;
            default:
                await store.TransitionAsync(job.Id, new JobTransition(JobStatus.Running, 1, at));
                JobTransition? last = status switch
                {
                    JobStatus.Retrying => new JobTransition(JobStatus.Retrying, 1, at, at.AddMinutes(1), new JobError("E", "failed", null)),
                    JobStatus.Succeeded => new JobTransition(JobStatus.Succeeded, 1, at, Result: "ok"),
                    JobStatus.Failed => new JobTransition(JobStatus.Failed, 1, at, Error: new JobError("E", "failed", null)),
                    _ => null,
                };
                if (last is { } transition)
                {
                    await store.TransitionAsync(job.Id, transition);
                }

                break;
        }

        return job.Id;
    }

    /// <summary>Forwards the five core members only, so that CountAsync is the interface's default.</summary>
    private sealed class QueryOnlyStore(IJobStore inner) : IJobStore
    {
        public ValueTask AddAsync(JobRecord job, CancellationToken cancellationToken = default) => inner.AddAsync(job, cancellationToken);

        public ValueTask<bool> TransitionAsync(JobId id, JobTransition transition, CancellationToken cancellationToken = default) => inner.TransitionAsync(id, transition, cancellationToken);

        public ValueTask<bool> ReportProgressAsync(JobId id, JobProgress progress, CancellationToken cancellationToken = default) => inner.ReportProgressAsync(id, progress, cancellationToken);

        public ValueTask<JobRecord?> GetAsync(JobId id, CancellationToken cancellationToken = default) => inner.GetAsync(id, cancellationToken);

        public ValueTask<IReadOnlyList<JobRecord>> QueryAsync(JobQuery query, CancellationToken cancellationToken = default) => inner.QueryAsync(query, cancellationToken);
    }
}
