using Microsoft.Data.Sqlite;

namespace BackgroundTasks.Sqlite.Tests.Store;

public sealed class GroupCommitTests
{
    private TempDatabase _database = null!;

    [SetUp]
    public void CreateDatabase() => _database = new TempDatabase();

    [TearDown]
    public void DeleteDatabase() => _database.Dispose();

    [Test]
    [CancelAfter(60_000)]
    public async Task AddAsync_ManyConcurrentCalls_CommitInFewerTransactionsThanCalls(CancellationToken cancellationToken)
    {
        await using var store = _database.Open();
        var before = store.TransactionCount;
        var jobs = Enumerable.Range(0, 2000).Select(_ => TestJobs.Typed()).ToList();

        // Start every call before the writer can finish the first commit: the ones that wait share a transaction.
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var adds = jobs.Select(job => Task.Run(async () =>
        {
            await start.Task;
            await store.AddAsync(job, cancellationToken);
        }, cancellationToken)).ToList();
        start.SetResult();
        await Task.WhenAll(adds);

        var transactions = store.TransactionCount - before;
        TestContext.Out.WriteLine($"{jobs.Count} adds in {transactions} transactions");
        Assert.That(transactions, Is.LessThan(jobs.Count), "Concurrent writes share transactions.");
        Assert.That(store.WriteCount, Is.GreaterThanOrEqualTo(jobs.Count));
        var page = await store.QueryAsync(new JobQuery { Take = 10_000 }, cancellationToken);
        Assert.That(page.Select(r => r.Id), Is.EquivalentTo(jobs.Select(j => j.Id)));
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task Writes_TwoStoresOnOneFileWritingAndReadingAtOnce_NoCallerSeesTheDatabaseLocked(CancellationToken cancellationToken)
    {
        await using var first = _database.Open();
        await using var second = _database.Open();
        var jobs = Enumerable.Range(0, 400).Select(i => (Store: i % 2 == 0 ? first : second, Job: TestJobs.Typed())).ToList();
        using var stopReading = new CancellationTokenSource();

        // Each job goes through its whole life on one store while the other store writes and both read.
        var reads = new[] { first, second }.Select(store => Task.Run(async () =>
        {
            var pages = 0;
            while (!stopReading.IsCancellationRequested)
            {
                await store.QueryAsync(new JobQuery { Status = JobStatus.Running, Take = 100 }, cancellationToken);
                pages++;
            }

            return pages;
        }, cancellationToken)).ToList();
        await Task.WhenAll(jobs.Select(pair => Task.Run(async () =>
        {
            var (store, job) = pair;
            var t = TestJobs.Start;
            await store.AddAsync(job, cancellationToken);
            Assert.That(await store.TransitionAsync(job.Id, new JobTransition(JobStatus.Running, 1, t), cancellationToken), Is.True);
            Assert.That(await store.ReportProgressAsync(job.Id, new JobProgress(50), cancellationToken), Is.True);
            Assert.That(await store.TransitionAsync(job.Id, new JobTransition(JobStatus.Succeeded, 1, t, Result: 1), cancellationToken), Is.True);
        }, cancellationToken)));
        await stopReading.CancelAsync();
        var pagesRead = await Task.WhenAll(reads);

        var page = await first.QueryAsync(new JobQuery { Status = JobStatus.Succeeded, Take = 1000 }, cancellationToken);
        Assert.That(page.Select(r => r.Id), Is.EquivalentTo(jobs.Select(p => p.Job.Id)));
        Assert.That(pagesRead, Is.All.GreaterThan(0));
    }

    [Test]
    public async Task AddAsync_Returned_RowIsCommittedForEveryConnection()
    {
        await using var store = _database.Open();
        var job = TestJobs.Typed();

        await store.AddAsync(job);

        // Another connection (as another process would) sees the row as soon as AddAsync returned.
        using var connection = new SqliteConnection($"Data Source={_database.Path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM bt_jobs WHERE id = $id";
        command.Parameters.AddWithValue("$id", job.Id.ToString());
        Assert.That(command.ExecuteScalar(), Is.EqualTo(1L));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task AddAsync_DuplicateAmongConcurrentAdds_FailsOnlyThatCaller(CancellationToken cancellationToken)
    {
        await using var store = _database.Open();
        var existing = TestJobs.Typed();
        await store.AddAsync(existing, cancellationToken);
        var others = Enumerable.Range(0, 200).Select(_ => TestJobs.Typed()).ToList();

        var adds = others.Select(job => store.AddAsync(job, cancellationToken).AsTask()).ToList();
        var duplicate = store.AddAsync(existing with { Name = "impostor" }, cancellationToken).AsTask();
        adds.AddRange(others.Take(50).Select(job => Task.Run(() => store.AddAsync(TestJobs.Typed(), cancellationToken).AsTask(), cancellationToken)));

        var exception = Assert.ThrowsAsync<ArgumentException>(() => duplicate);
        Assert.That(exception!.Message, Does.Contain(existing.Id.ToString()).And.Contain("already recorded"));
        await Task.WhenAll(adds);
        Assert.That((await store.GetAsync(existing.Id, cancellationToken))!.Name, Is.EqualTo("send-invoice"), "The duplicate changed nothing.");
        foreach (var job in others)
        {
            Assert.That(await store.GetAsync(job.Id, cancellationToken), Is.EqualTo(job));
        }
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Dispose_FromTheContinuationOfAClaim_ThrowsInsteadOfWaitingForTheWriterItRunsOn(CancellationToken cancellationToken)
    {
        var store = _database.Open();
        try
        {
            // The claim's answer comes on the writer's thread: hold the writer so that the continuation is attached first.
            var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var release = new ManualResetEventSlim();
            var held = store.Writer.WriteAsync(_ => { holding.SetResult(); release.Wait(cancellationToken); return 0; }, cancellationToken);
            await holding.Task;
            var claim = store.ClaimAsync("default", "host/1", 1, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(5), cancellationToken);
            var refused = claim.ContinueWith(
                _ =>
                {
                    try
                    {
                        store.Dispose();
                        return null;
                    }
                    catch (InvalidOperationException exception)
                    {
                        return exception;
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            release.Set();
            await held;

            var error = await refused;
            Assert.That(error?.Message, Does.Contain("DisposeAsync").And.Contain(store.FilePath), "A hang would wait for the writer the continuation runs on.");
            Assert.That(await claim, Is.Empty);
        }
        finally
        {
            await store.DisposeAsync();
        }
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Writer_WriteThatThrowsAfterChangingRows_IsUndoneAloneAndTheOthersCommitOnce(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection($"Data Source={_database.Path}");
        connection.Open();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE t (x INTEGER NOT NULL)";
            create.ExecuteNonQuery();
        }

        var writer = new GroupCommitWriter(connection, _database.Path);
        await using (writer)
        {
            // The first write holds the writer, so that the next three wait together and form one batch.
            var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var release = new ManualResetEventSlim();
            var first = writer.WriteAsync(w => { holding.SetResult(); release.Wait(cancellationToken); return Insert(w, 0); }, cancellationToken);
            await holding.Task;
            var before = writer.TransactionCount;
            var a = writer.WriteAsync(w => Insert(w, 1), cancellationToken);
            var failing = writer.WriteAsync<int>(w => { Insert(w, 2); Insert(w, 3); throw new InvalidOperationException("the write's own failure"); }, cancellationToken);
            var c = writer.WriteAsync(w => Insert(w, 4), cancellationToken);
            release.Set();

            Assert.That(await first, Is.EqualTo(1));
            Assert.That(await a, Is.EqualTo(1));
            Assert.That(await c, Is.EqualTo(1));
            Assert.That(async () => await failing, Throws.InvalidOperationException.With.Message.EqualTo("the write's own failure"));
            Assert.That(writer.TransactionCount - before, Is.EqualTo(2), "The holding write committed, then the three waiting writes together, once.");
        }

        // The writer closed its connection when it was disposed.
        using var reader = new SqliteConnection($"Data Source={_database.Path};Pooling=False");
        reader.Open();
        using var read = reader.CreateCommand();
        read.CommandText = "SELECT group_concat(x, ',') FROM (SELECT x FROM t ORDER BY x)";
        Assert.That(read.ExecuteScalar(), Is.EqualTo("0,1,4"), "Each good write's row once; none of the failing write's rows.");

        static int Insert(GroupCommitWriter w, int x)
        {
            var command = w.Command("INSERT INTO t (x) VALUES ($x)");
            command.Parameters.AddWithValue("$x", x);
            return command.ExecuteNonQuery();
        }
    }

    [Test]
    public async Task AddManyAsync_ThousandJobs_CommitsThemInOneTransaction()
    {
        await using var store = _database.Open();
        var jobs = Enumerable.Range(0, 1000).Select(i => TestJobs.Typed(priority: (JobPriority)(i % 3 - 1))).ToList();
        var before = store.TransactionCount;

        await store.AddManyAsync(jobs);

        Assert.That(store.TransactionCount - before, Is.EqualTo(1));
        var page = await store.QueryAsync(new JobQuery { Take = 10_000 });
        Assert.That(page, Is.EquivalentTo(jobs));
    }

    [Test]
    public async Task AddManyAsync_OneIdAlreadyRecorded_AddsNoneAndNamesTheId()
    {
        await using var store = _database.Open();
        var existing = TestJobs.Typed();
        await store.AddAsync(existing);
        var jobs = new[] { TestJobs.Typed(), TestJobs.Typed(), existing, TestJobs.Typed() };

        var exception = Assert.ThrowsAsync<ArgumentException>(async () => await store.AddManyAsync(jobs));

        Assert.That(exception!.Message, Does.Contain(existing.Id.ToString()));
        Assert.That(exception.ParamName, Is.EqualTo("jobs"));
        var page = await store.QueryAsync(new JobQuery());
        Assert.That(page.Select(r => r.Id), Is.EqualTo(new[] { existing.Id }), "All or nothing: the jobs before the duplicate were rolled back.");
    }

    [Test]
    public async Task AddManyAsync_BadList_ThrowsBeforeWritingAnything()
    {
        await using var store = _database.Open();
        var job = TestJobs.Typed();
        var before = store.TransactionCount;

        Assert.ThrowsAsync<ArgumentNullException>(async () => await store.AddManyAsync(null!));
        Assert.ThrowsAsync<ArgumentNullException>(async () => await store.AddManyAsync([TestJobs.Typed(), null!]));
        var twice = Assert.ThrowsAsync<ArgumentException>(async () => await store.AddManyAsync([job, job]));
        Assert.That(twice!.Message, Does.Contain("appears twice"));
        var running = Assert.ThrowsAsync<ArgumentException>(async () => await store.AddManyAsync([TestJobs.Typed(), job with { Status = JobStatus.Running }]));
        Assert.That(running!.Message, Does.Contain("must be Queued or Scheduled, not Running"));
        await store.AddManyAsync([]);

        Assert.That(store.TransactionCount, Is.EqualTo(before));
        Assert.That(await store.QueryAsync(new JobQuery()), Is.Empty);
    }

    [Test]
    public async Task AddAsync_CancelledBeforeTheWriterTookIt_WritesNothing()
    {
        await using var store = _database.Open();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var job = TestJobs.Typed();

        Assert.That(async () => await store.AddAsync(job, cancelled.Token), Throws.InstanceOf<OperationCanceledException>());

        Assert.That(await store.GetAsync(job.Id), Is.Null);
    }

    [Test]
    public async Task DisposeAsync_WritesQueuedBefore_AreCommittedThenCallsThrowObjectDisposed()
    {
        var store = _database.Open();
        var jobs = Enumerable.Range(0, 100).Select(_ => TestJobs.Typed()).ToList();
        var adds = jobs.Select(job => store.AddAsync(job).AsTask()).ToList();

        await store.DisposeAsync();

        await Task.WhenAll(adds);
        Assert.That(async () => await store.AddAsync(TestJobs.Typed()), Throws.InstanceOf<ObjectDisposedException>());
        Assert.That(async () => await store.GetAsync(jobs[0].Id), Throws.InstanceOf<ObjectDisposedException>());
        await store.DisposeAsync(); // twice is harmless

        await using var reopened = _database.Open();
        Assert.That((await reopened.QueryAsync(new JobQuery { Take = 1000 })).Count, Is.EqualTo(jobs.Count));
    }
}
