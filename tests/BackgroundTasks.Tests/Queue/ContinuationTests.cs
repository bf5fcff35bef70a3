namespace BackgroundTasks.Tests.Queue;

/// <summary>
/// Continuations on each kind of store: on the in-memory store the engine settles them as the job continued ends; on the
/// durable SQLite and PostgreSQL stores the store does, in the transaction of that end, and the engine follows.
/// </summary>
[CancelAfter(20_000)]
[TestFixture(StoreKind.InMemory)]
[TestFixture(StoreKind.Sqlite)]
[TestFixture(StoreKind.PostgreSql)]
public sealed class ContinuationTests(StoreKind storeKind)
{
    private bool Sqlite => storeKind == StoreKind.Sqlite;

    private bool Postgres => storeKind == StoreKind.PostgreSql;

    [Test]
    public async Task ChainOfThree_FailureInEachPosition_RunsOrCancelsTheRest([Values] JobContinuation when, [Values(-1, 0, 1, 2)] int failing, CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync(sqlite: Sqlite, postgres: Postgres);
        var ran = new List<string>();
        var release = new TaskCompletionSource();
        string[] names = ["A", "B", "C"];
        Func<JobContext, Task> Step(int index) => async ctx =>
        {
            if (index == 0)
            {
                await release.Task.WaitAsync(ctx.CancellationToken);
            }

            lock (ran)
            {
                ran.Add(names[index]);
            }

            if (index == failing)
            {
                throw new InvalidOperationException($"{names[index]} failed");
            }
        };

        var a = await host.Queue.EnqueueAsync(Step(0), cancellationToken: ct);
        var b = await host.Queue.EnqueueAsync(Step(1), new JobOptions { ContinueAfter = a, ContinueWhen = when }, ct);
        var c = await host.Queue.EnqueueAsync(Step(2), new JobOptions { ContinueAfter = b, ContinueWhen = when }, ct);
        var waitingB = await host.Monitor.GetAsync(b, ct);
        Assert.That(waitingB!.Status, Is.EqualTo(JobStatus.Scheduled), "A continuation waits for the job it continues.");
        Assert.That(waitingB.ScheduledAt, Is.EqualTo(DateTimeOffset.MaxValue));

        release.SetResult();
        var records = new[] { await host.Monitor.WaitAsync(a, ct), await host.Monitor.WaitAsync(b, ct), await host.Monitor.WaitAsync(c, ct) };

        // With JobContinuation.Succeeded a failure cancels everything after it; with Finished every step runs.
        var expectedRan = when == JobContinuation.Finished || failing < 0 ? names : names[..(failing + 1)];
        Assert.That(ran, Is.EqualTo(expectedRan));
        for (var i = 0; i < 3; i++)
        {
            var expected = i == failing ? JobStatus.Failed
                : when == JobContinuation.Succeeded && failing >= 0 && i > failing ? JobStatus.Cancelled
                : JobStatus.Succeeded;
            Assert.That(records[i].Status, Is.EqualTo(expected), $"Job {names[i]}");
            if (expected == JobStatus.Cancelled)
            {
                Assert.That(records[i].CancelReason, Is.EqualTo(JobCancelReason.Requested));
                Assert.That(records[i].Error!.Message, Does.Contain($"Job {records[i - 1].Id}, which this job continues, ended {records[i - 1].Status}"));
            }
        }

        Assert.That(host.Store.StatusesOf(c)[0], Is.EqualTo(JobStatus.Scheduled));
    }

    [TestCase(false, JobContinuation.Succeeded, JobStatus.Succeeded)]
    [TestCase(true, JobContinuation.Succeeded, JobStatus.Cancelled)]
    [TestCase(true, JobContinuation.Finished, JobStatus.Succeeded)]
    public async Task EnqueueAsync_JobContinuedHasEndedAlready_DecidesAtOnce(bool parentFails, JobContinuation when, JobStatus expected)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var ct = cts.Token;
        await using var host = await JobsHost.StartAsync(sqlite: Sqlite, postgres: Postgres);
        var parent = await host.Queue.EnqueueAsync(_ => parentFails ? throw new IOException("gone") : Task.CompletedTask, cancellationToken: ct);
        await host.Monitor.WaitAsync(parent, ct);
        var runs = 0;

        var next = await host.Queue.EnqueueAsync(_ =>
        {
            Interlocked.Increment(ref runs);
            return Task.CompletedTask;
        }, new JobOptions { ContinueAfter = parent, ContinueWhen = when }, ct);
        var record = await host.Monitor.WaitAsync(next, ct);

        Assert.That(record.Status, Is.EqualTo(expected));
        Assert.That(runs, Is.EqualTo(expected == JobStatus.Succeeded ? 1 : 0));
    }

    [TestCase(JobContinuation.Succeeded, JobStatus.Cancelled)]
    [TestCase(JobContinuation.Finished, JobStatus.Succeeded)]
    public async Task CancelAsync_JobContinuedIsCancelled_ContinuationCancelledOrReleasedAsAsked(JobContinuation when, JobStatus expected)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var ct = cts.Token;
        await using var host = await JobsHost.StartAsync(sqlite: Sqlite, postgres: Postgres);
        var parent = await host.Queue.StartCancellableJobAsync(null, ct);
        var next = await host.Queue.EnqueueAsync(_ => Task.CompletedTask, new JobOptions { ContinueAfter = parent, ContinueWhen = when }, ct);

        await host.Monitor.CancelAsync(parent, ct);
        var record = await host.Monitor.WaitAsync(next, ct);

        Assert.That((await host.Monitor.WaitAsync(parent, ct)).Status, Is.EqualTo(JobStatus.Cancelled));
        Assert.That(record.Status, Is.EqualTo(expected));
    }

    [Test]
    public async Task CancelAsync_ContinuationWhileItWaits_NeverRuns(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync(sqlite: Sqlite, postgres: Postgres);
        var release = new TaskCompletionSource();
        var parent = await host.Queue.EnqueueAsync(_ => release.Task, cancellationToken: ct);
        var runs = 0;
        var next = await host.Queue.EnqueueAsync(_ =>
        {
            Interlocked.Increment(ref runs);
            return Task.CompletedTask;
        }, new JobOptions { ContinueAfter = parent }, ct);

        Assert.That(await host.Monitor.CancelAsync(next, ct), Is.True);
        release.SetResult();
        await host.Monitor.WaitAsync(parent, ct);
        var after = await host.Queue.EnqueueAsync(_ => Task.CompletedTask, new JobOptions { ContinueAfter = parent }, ct);
        await host.Monitor.WaitAsync(after, ct);

        Assert.That((await host.Monitor.WaitAsync(next, ct)).Status, Is.EqualTo(JobStatus.Cancelled));
        Assert.That(runs, Is.Zero);
    }

    [Test]
    public async Task StopAsync_ContinuationStillWaiting_EndsCancelledByShutdown(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync(
            o =>
            {
                o.ShutdownMode = ShutdownMode.Cancel;
                o.DrainTimeout = TimeSpan.Zero;
            },
            sqlite: Sqlite, postgres: Postgres);
        var parent = await host.Queue.StartCancellableJobAsync(null, ct);
        var next = await host.Queue.EnqueueAsync(_ => Task.CompletedTask, new JobOptions { ContinueAfter = parent, ContinueWhen = JobContinuation.Finished }, ct);

        await host.Host.StopAsync(ct);
        var record = await host.Monitor.GetAsync(next, ct);

        Assert.That(record!.Status, Is.EqualTo(JobStatus.Cancelled));
        Assert.That(record.CancelReason, Is.EqualTo(JobCancelReason.Shutdown));
        Assert.That(record.Attempt, Is.Zero, "It never ran.");
    }

    [Test]
    public async Task EnqueueAsync_BadContinuations_FailNamingTheOption(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync(sqlite: Sqlite, postgres: Postgres);
        var parent = await host.Queue.EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct);
        var unknown = JobId.NewId();

        Assert.That(async () => await host.Queue.EnqueueAsync(_ => Task.CompletedTask, new JobOptions { ContinueAfter = parent, Delay = TimeSpan.FromSeconds(1) }, ct),
            Throws.ArgumentException.With.Message.Contains("JobOptions.ContinueAfter is set together with Delay or RunAt").And.Property("ParamName").EqualTo("options"));
        Assert.That(async () => await host.Queue.EnqueueAsync(_ => Task.CompletedTask, new JobOptions { ContinueAfter = parent, ContinueWhen = (JobContinuation)7 }, ct),
            Throws.ArgumentException.With.Message.Contains("JobOptions.ContinueWhen is 7"));
        Assert.That(async () => await host.Queue.EnqueueAsync(_ => Task.CompletedTask, new JobOptions { ContinueAfter = unknown }, ct),
            Throws.ArgumentException.With.Message.Contains($"JobOptions.ContinueAfter is {unknown}, which is unknown"));
        Assert.That(async () => await host.Queue.EnqueueAsync(_ => Task.CompletedTask, new JobOptions { ContinueAfter = parent, UniqueKey = "k" }, ct),
            Throws.ArgumentException.With.Message.Contains("JobOptions.ContinueAfter and UniqueKey are both set"));
        Assert.That(() => host.Queue.TryEnqueue(_ => Task.CompletedTask, out _, new JobOptions { ContinueAfter = parent }),
            Throws.ArgumentException.With.Message.Contains("use EnqueueAsync"));
    }
}
