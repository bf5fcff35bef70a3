using Microsoft.Extensions.Time.Testing;

namespace BackgroundTasks.Sqlite.Tests.Store;

public sealed class RetentionTests
{
    private readonly FakeTimeProvider _time = new(TestJobs.Start);
    private TempDatabase _database = null!;

    [SetUp]
    public void CreateDatabase() => _database = new TempDatabase();

    [TearDown]
    public void DeleteDatabase() => _database.Dispose();

    [Test]
    public async Task RunRetentionAsync_ByAge_DeletesJobsFinishedLongerAgoInBatchesAndKeepsLiveOnes()
    {
        await using var store = _database.Open(o => { o.RetentionPeriod = TimeSpan.FromHours(1); o.RetentionBatchSize = 7; }, _time);
        var old = await FinishAsync(store, 30);
        var live = await AddLiveAsync(store);
        _time.Advance(TimeSpan.FromMinutes(40));
        var recent = await FinishAsync(store, 5);
        _time.Advance(TimeSpan.FromMinutes(21)); // the old ones finished 61 minutes ago, the recent ones 21

        var before = store.TransactionCount;
        var result = await store.RunRetentionAsync();

        Assert.That(result, Is.EqualTo(new RetentionResult(30, 0)));
        Assert.That(store.TransactionCount - before, Is.GreaterThanOrEqualTo(5), "30 rows in batches of 7 take five turns of the writer.");
        await AssertKeptAsync(store, recent.Concat(live));
        Assert.That(await store.GetAsync(old[0]), Is.Null);
    }

    [Test]
    public async Task RunRetentionAsync_ByCount_KeepsTheNewestFinishedAndEveryLiveJob()
    {
        await using var store = _database.Open(o => { o.MaxFinishedJobs = 5; o.RetentionBatchSize = 4; }, _time);
        var finished = new List<JobId>();
        for (var i = 0; i < 12; i++)
        {
            finished.AddRange(await FinishAsync(store, 1));
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        var live = await AddLiveAsync(store);

        var result = await store.RunRetentionAsync();

        Assert.That(result, Is.EqualTo(new RetentionResult(0, 7)));
        await AssertKeptAsync(store, finished.TakeLast(5).Concat(live));
        Assert.That(await store.RunRetentionAsync(), Is.EqualTo(default(RetentionResult)), "Nothing more to delete.");
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task RetentionInterval_TimerTicks_DeletesFinishedJobsInTheBackground(CancellationToken cancellationToken)
    {
        await using var store = _database.Open(o => { o.RetentionInterval = TimeSpan.FromMinutes(1); o.RetentionPeriod = TimeSpan.FromMinutes(5); }, _time);
        var old = await FinishAsync(store, 10);
        var live = await AddLiveAsync(store);
        _time.Advance(TimeSpan.FromMinutes(5)); // 5 minutes: not yet older than the period

        Assert.That((await store.QueryAsync(new JobQuery { Take = 100 }, cancellationToken)).Count, Is.EqualTo(old.Count + live.Count));

        // A tick that comes while the clean-up of an earlier tick still runs is skipped, so the clock moves on until one runs.
        while ((await store.QueryAsync(new JobQuery { Take = 100 }, cancellationToken)).Count > live.Count)
        {
            Assert.That(cancellationToken.IsCancellationRequested, Is.False, "The clean-up never ran.");
            _time.Advance(TimeSpan.FromMinutes(1));
            await Task.Yield();
        }

        await AssertKeptAsync(store, live);
    }

    private static async Task<List<JobId>> AddLiveAsync(SqliteJobStore store)
    {
        var queued = TestJobs.Typed();
        var scheduled = TestJobs.Scheduled(TestJobs.Start.AddDays(1));
        var running = TestJobs.Typed(queue: "running");
        await store.AddManyAsync([queued, scheduled, running]);
        await store.ClaimAsync("running", "host-a", 1, TestJobs.Start, TimeSpan.FromSeconds(15));
        return [queued.Id, scheduled.Id, running.Id];
    }

    private async Task<List<JobId>> FinishAsync(SqliteJobStore store, int count)
    {
        var jobs = Enumerable.Range(0, count).Select(_ => TestJobs.Typed()).ToList();
        await store.AddManyAsync(jobs);
        foreach (var (job, i) in jobs.Select((job, i) => (job, i)))
        {
            var status = (JobStatus)(4 + i % 3);
            if (status != JobStatus.Cancelled)
            {
                await store.TransitionAsync(job.Id, new JobTransition(JobStatus.Running, 1, _time.GetUtcNow()));
            }

            Assert.That(await store.TransitionAsync(job.Id, new JobTransition(status, 1, _time.GetUtcNow())), Is.True);
        }

        return [.. jobs.Select(j => j.Id)];
    }

    private static async Task AssertKeptAsync(SqliteJobStore store, IEnumerable<JobId> expected)
    {
        var page = await store.QueryAsync(new JobQuery { Take = 1000 });
        Assert.That(page.Select(r => r.Id), Is.EquivalentTo(expected));
    }
}
