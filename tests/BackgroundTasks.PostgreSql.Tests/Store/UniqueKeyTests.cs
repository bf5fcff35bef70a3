namespace BackgroundTasks.PostgreSql.Tests.Store;

[CancelAfter(60_000)]
public sealed class UniqueKeyTests
{
    [Test]
    public async Task AddUniqueAsync_FourStoresRaceOnOneKey_RecordsOneJobAndEveryCallReturnsItsId(CancellationToken ct)
    {
        await using var schema = new TestSchema();
        var stores = Enumerable.Range(0, 4).Select(_ => schema.Open()).ToArray();
        try
        {
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var adds = Enumerable.Range(0, 16).Select(i => Task.Run(
                async () =>
                {
                    await start.Task;
                    return await stores[i % stores.Length].AddUniqueAsync(TestJobs.Typed() with { UniqueKey = "report:2026-03" }, finishedSince: null, ct);
                },
                ct)).ToArray();
            start.SetResult();
            var ids = await Task.WhenAll(adds);

            Assert.That(ids.Distinct().Count(), Is.EqualTo(1), "Every add returns the one job's id.");
            Assert.That(await schema.ScalarAsync("SELECT count(*) FROM {0}.jobs", ct), Is.EqualTo(1L));
            Assert.That((await stores[0].GetAsync(ids[0], ct))!.UniqueKey, Is.EqualTo("report:2026-03"));
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [Test]
    public async Task AddUniqueAsync_HolderFinishedWithinOrBeforeTheWindow_ReturnsItOnlyWithinIt(CancellationToken ct)
    {
        await using var schema = new TestSchema();
        await using var store = schema.Open();
        var first = TestJobs.Typed() with { UniqueKey = "k" };
        await store.AddAsync(first, ct);
        var finishedAt = TestJobs.Start.AddMinutes(1);
        Assert.That(await store.TransitionAsync(first.Id, new JobTransition(JobStatus.Cancelled, 0, finishedAt, CancelReason: JobCancelReason.Requested), ct), Is.True);

        var within = await store.AddUniqueAsync(TestJobs.Typed() with { UniqueKey = "k" }, finishedSince: finishedAt, ct);
        var second = TestJobs.Typed() with { UniqueKey = "k" };
        var after = await store.AddUniqueAsync(second, finishedSince: finishedAt.AddTicks(1), ct);

        Assert.That(within, Is.EqualTo(first.Id), "A job that finished within the window holds its key.");
        Assert.That(after, Is.EqualTo(second.Id), "A job that finished before the window holds nothing.");
        Assert.That(await schema.ScalarAsync("SELECT count(*) FROM {0}.jobs", ct), Is.EqualTo(2L));
    }

    [Test]
    public async Task AddAsync_KeyHeldByALiveJob_ThrowsArgumentExceptionNamingTheKey(CancellationToken ct)
    {
        await using var schema = new TestSchema();
        await using var store = schema.Open();
        await store.AddAsync(TestJobs.Typed() with { UniqueKey = "k" }, ct);

        Assert.That(
            async () => await store.AddAsync(TestJobs.Typed() with { UniqueKey = "k" }, ct),
            Throws.ArgumentException.With.Message.Contains("'k'").And.Message.Contains("AddUniqueAsync"));
        Assert.That(await schema.ScalarAsync("SELECT count(*) FROM {0}.jobs", ct), Is.EqualTo(1L));
    }

    [Test]
    public async Task AddUniqueAsync_IdTakenByAJobWithoutTheKey_ThrowsArgumentException(CancellationToken ct)
    {
        await using var schema = new TestSchema();
        await using var store = schema.Open();
        var job = TestJobs.Typed();
        await store.AddAsync(job, ct);

        Assert.That(
            async () => await store.AddUniqueAsync(job with { UniqueKey = "k" }, finishedSince: null, ct),
            Throws.ArgumentException.With.Message.Contains("already recorded"));
    }
}
