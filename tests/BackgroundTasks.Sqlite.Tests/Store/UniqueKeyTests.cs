namespace BackgroundTasks.Sqlite.Tests.Store;

/// <summary>Unique keys on the SQLite store: the unique index over the rows that are not terminal holds for every writer of the file.</summary>
[CancelAfter(30_000)]
public sealed class UniqueKeyTests
{
    private TempDatabase _database = null!;

    [SetUp]
    public void CreateDatabase() => _database = new TempDatabase();

    [TearDown]
    public void DeleteDatabase() => _database.Dispose();

    [Test]
    public async Task AddUniqueAsync_EightCallsFromTwoStoresOnOneFile_RecordOneJob(CancellationToken ct)
    {
        await using var first = _database.Open();
        await using var second = _database.Open();
        var jobs = Enumerable.Range(0, 8).Select(_ => TestJobs.Typed() with { UniqueKey = "report:2026-03" }).ToArray();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var answers = jobs.Select((job, i) => Task.Run(async () =>
        {
            await start.Task;
            return await (i % 2 == 0 ? first : second).AddUniqueAsync(job, finishedSince: null, ct);
        })).ToArray();
        start.SetResult();
        var holders = await Task.WhenAll(answers);

        var recorded = new List<JobId>();
        foreach (var job in jobs)
        {
            if (await first.GetAsync(job.Id, ct) is not null)
            {
                recorded.Add(job.Id);
            }
        }

        Assert.That(recorded, Has.Count.EqualTo(1));
        Assert.That(holders, Is.All.EqualTo(recorded[0]));
    }

    [Test]
    public async Task AddAsync_KeyHeldByALiveJob_ThrowsArgumentExceptionAndRecordsNothing(CancellationToken ct)
    {
        await using var store = _database.Open();
        var holder = TestJobs.Typed() with { UniqueKey = "sync:7" };
        await store.AddAsync(holder, ct);
        var second = TestJobs.Typed() with { UniqueKey = "sync:7" };

        Assert.That(async () => await store.AddAsync(second, ct), Throws.ArgumentException.With.Message.Contains("'sync:7'").And.Message.Contains("AddUniqueAsync"));
        Assert.That(await store.GetAsync(second.Id, ct), Is.Null);
        Assert.That(await store.AddUniqueAsync(TestJobs.Typed() with { UniqueKey = "sync:7" }, finishedSince: null, ct), Is.EqualTo(holder.Id), "A job added without the check holds its key too.");
    }

    [Test]
    public async Task AddUniqueAsync_WithOwner_IsHeldByThatOwnerAndItsLeaseLikeAddAsync(CancellationToken ct)
    {
        await using var store = _database.Open();
        IDurableJobStore durable = store;
        var lambda = TestJobs.Lambda() with { UniqueKey = "lambda:1" };

        Assert.That(await durable.AddUniqueAsync(lambda, "host/1", finishedSince: null, ct), Is.EqualTo(lambda.Id));
        Assert.That(await durable.ClaimAsync("default", "host/2", 10, TestJobs.Start, ct), Is.Empty, "Another owner cannot claim a lambda job.");
        var claimed = await durable.ClaimAsync("default", "host/1", 10, TestJobs.Start, ct);
        Assert.That(claimed.Select(r => (r.Id, r.UniqueKey)), Is.EqualTo(new[] { (lambda.Id, (string?)"lambda:1") }));
        Assert.That(await durable.AddUniqueAsync(TestJobs.Lambda() with { UniqueKey = "lambda:1" }, "host/1", finishedSince: null, ct), Is.EqualTo(lambda.Id), "A running job holds its key.");
    }
}
