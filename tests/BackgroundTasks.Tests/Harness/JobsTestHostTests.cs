using BackgroundTasks.Testing;
using Microsoft.Extensions.DependencyInjection;
using static BackgroundTasks.Tests.Harness.HarnessJobs;

namespace BackgroundTasks.Tests.Harness;

[CancelAfter(30_000)]
public sealed class JobsTestHostTests
{
    private static readonly DateTimeOffset s_start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly RetryBackoff s_tenSecondsDoubling = new() { InitialDelay = TimeSpan.FromSeconds(10), Multiplier = 2, Jitter = 0 };

    [Test]
    public async Task Enqueued_TypedJobFromApplicationCode_RecordsNameQueueArgumentsAndOptions(CancellationToken ct)
    {
        var mailer = new RecordingMailer();
        await using var host = await JobsTestHost.StartAsync(services =>
        {
            services.AddSingleton<IMailer>(mailer);
            services.AddSingleton<Billing>();
            services.AddBackgroundJobs().AddQueue("mail").AddJob<SendInvoice, InvoiceArgs>("send-invoice");
        }, cancellationToken: ct);

        var id = await host.Services.GetRequiredService<Billing>().CloseMonthAsync(42, "ada@example.com");

        var job = host.Enqueued.Single();
        Assert.That(job.Id, Is.EqualTo(id));
        Assert.That(job.Name, Is.EqualTo("send-invoice"));
        Assert.That(job.Queue, Is.EqualTo("mail"));
        Assert.That(job.JobType, Is.EqualTo(typeof(SendInvoice)));
        Assert.That(job.GetArguments<InvoiceArgs>(), Is.EqualTo(new InvoiceArgs(42, "ada@example.com")));
        Assert.That(job.Options!.Priority, Is.EqualTo(JobPriority.High));
        Assert.That(job.Record.MaxAttempts, Is.EqualTo(4));
        Assert.That(job.Record.Arguments, Is.EqualTo("""{"invoiceId":42,"email":"ada@example.com"}"""));
        Assert.That(job.ToString(), Is.EqualTo("""send-invoice on 'mail' (High) {"invoiceId":42,"email":"ada@example.com"}"""));
        Assert.That(host.EnqueuedOf<SendInvoice>(), Has.Count.EqualTo(1));
        Assert.That(host.EnqueuedOf<FlakyJob>(), Is.Empty);

        await host.RunUntilIdleAsync(ct);

        Assert.That(mailer.Sent, Is.EqualTo(new[] { ("ada@example.com", "Invoice 42") }));
        Assert.That((await host.Monitor.GetAsync(id, ct))!.Status, Is.EqualTo(JobStatus.Succeeded));
    }

    [Test]
    public async Task Enqueued_ManyAndLambdaJobs_KeepsOrderAndTellsThemApart(CancellationToken ct)
    {
        await using var host = await JobsTestHost.StartAsync(services => services.AddBackgroundJobs().AddJob<DoubleJob, int, int>("double"), cancellationToken: ct);

        var many = await host.Queue.EnqueueManyAsync<DoubleJob, int>([1, 2, 3], cancellationToken: ct);
        var lambda = await host.Queue.EnqueueAsync(_ => Task.CompletedTask, new JobOptions { Name = "cleanup" }, ct);
        await host.RunUntilIdleAsync(ct);

        var enqueued = host.Enqueued;
        Assert.That(enqueued.Select(j => j.Id), Is.EqualTo(many.Append(lambda)));
        Assert.That(host.EnqueuedOf<DoubleJob>().Select(j => j.GetArguments<int>()), Is.EqualTo(new[] { 1, 2, 3 }));
        Assert.That(enqueued[^1].Name, Is.EqualTo("cleanup"));
        Assert.That(enqueued[^1].JobType, Is.Null);
        Assert.That(() => enqueued[^1].GetArguments<int>(), Throws.InvalidOperationException.With.Message.Contains("lambda"));
        Assert.That(() => enqueued[0].GetArguments<string>(), Throws.InvalidOperationException.With.Message.Contains("Int32"));
    }

    [Test]
    public async Task RunAsync_TypedJobWithResult_ReturnsTheFinishedRecord(CancellationToken ct)
    {
        await using var host = await JobsTestHost.StartAsync(services => services.AddBackgroundJobs().AddJob<DoubleJob, int, int>("double"), cancellationToken: ct);

        var record = await host.RunAsync<DoubleJob, int>(21, cancellationToken: ct);

        Assert.That(record.Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That(record.Result, Is.EqualTo(42));
    }

    [Test]
    public async Task AdvanceAsync_JobFailsTwiceThenSucceeds_EachRetryRunsOnlyOnceItsBackoffHasPassed(CancellationToken ct)
    {
        var log = new AttemptLog();
        await using var host = await StartFlakyHostAsync(log, ct);

        var first = await host.RunAsync<FlakyJob, FlakyArgs>(new FlakyArgs(SucceedOnAttempt: 3), new JobOptions { MaxAttempts = 3, Backoff = s_tenSecondsDoubling }, ct);
        Assert.That(first.Status, Is.EqualTo(JobStatus.Retrying));
        Assert.That(first.ScheduledAt, Is.EqualTo(s_start.AddSeconds(10)));
        Assert.That(first.Error!.Message, Is.EqualTo("upstream down on attempt 1"));

        await host.AdvanceAsync(TimeSpan.FromSeconds(10) - TimeSpan.FromTicks(1), ct);
        Assert.That(log.Runs, Has.Count.EqualTo(1), "The first back-off has not passed.");

        await host.AdvanceAsync(TimeSpan.FromTicks(1), ct);
        var second = (await host.Monitor.GetAsync(first.Id, ct))!;
        Assert.That((second.Status, second.Attempt), Is.EqualTo((JobStatus.Retrying, 2)));
        Assert.That(second.ScheduledAt, Is.EqualTo(s_start.AddSeconds(30)), "The back-off doubles.");

        await host.AdvanceAsync(TimeSpan.FromSeconds(19), ct);
        Assert.That(log.Runs, Has.Count.EqualTo(2), "The second back-off has not passed.");

        await host.AdvanceAsync(TimeSpan.FromSeconds(1), ct);
        var final = (await host.Monitor.GetAsync(first.Id, ct))!;
        Assert.That((final.Status, final.Attempt), Is.EqualTo((JobStatus.Succeeded, 3)));
        Assert.That(log.Runs, Is.EqualTo(new[] { (1, s_start), (2, s_start.AddSeconds(10)), (3, s_start.AddSeconds(30)) }));
    }

    [Test]
    public async Task AdvanceAsync_PastSeveralDueTimes_RunsEachAttemptAtItsOwnDueTime(CancellationToken ct)
    {
        var log = new AttemptLog();
        await using var host = await StartFlakyHostAsync(log, ct);
        var id = await host.Queue.EnqueueAsync<FlakyJob, FlakyArgs>(new FlakyArgs(SucceedOnAttempt: 4), new JobOptions { MaxAttempts = 4, Backoff = s_tenSecondsDoubling }, ct);

        await host.AdvanceAsync(TimeSpan.FromHours(1), ct);

        Assert.That(log.Runs, Is.EqualTo(new[] { (1, s_start), (2, s_start.AddSeconds(10)), (3, s_start.AddSeconds(30)), (4, s_start.AddSeconds(70)) }));
        Assert.That((await host.Monitor.GetAsync(id, ct))!.Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That(host.Time.GetUtcNow(), Is.EqualTo(s_start.AddHours(1)));
    }

    [Test]
    public async Task RunUntilIdleAsync_RetryRecordedButItsTimerNotSetYet_WaitsForTheTimer(CancellationToken ct)
    {
        // The engine records Retrying, then sets the timer from a reading of the clock: moving the clock in between
        // would set the timer from the new time, and the retry would run a whole back-off late.
        var log = new AttemptLog();
        using var clock = new GatedClock(s_start, TimeSpan.FromSeconds(10));
        await using var host = await JobsTestHost.StartAsync(services =>
        {
            services.AddSingleton<TimeProvider>(clock);
            services.AddSingleton(log);
            services.AddBackgroundJobs().AddJob<FlakyJob, FlakyArgs>("flaky");
        }, cancellationToken: ct);
        var id = await host.Queue.EnqueueAsync<FlakyJob, FlakyArgs>(new FlakyArgs(SucceedOnAttempt: 2), new JobOptions { MaxAttempts = 2, Backoff = s_tenSecondsDoubling }, ct);
        await clock.Entered.WaitAsync(ct);

        Task idle;
        try
        {
            idle = host.RunUntilIdleAsync(ct);
            Assert.That((await host.Monitor.GetAsync(id, ct))!.Status, Is.EqualTo(JobStatus.Retrying));
            Assert.That(idle.IsCompleted, Is.False, "The retry's timer is not set yet.");
        }
        finally
        {
            clock.Release();
        }

        await idle;
        await host.AdvanceAsync(TimeSpan.FromSeconds(10), ct);

        Assert.That(log.Runs, Is.EqualTo(new[] { (1, s_start), (2, s_start.AddSeconds(10)) }));
    }

    [Test]
    public async Task AdvanceAsync_DelayedJob_RunsOnlyOnceDue(CancellationToken ct)
    {
        await using var host = await JobsTestHost.StartAsync(_ => { }, cancellationToken: ct);
        var ranAt = new List<DateTimeOffset>();
        var id = await host.Queue.EnqueueAsync(_ =>
        {
            ranAt.Add(host.Time.GetUtcNow());
            return Task.CompletedTask;
        }, new JobOptions { Delay = TimeSpan.FromMinutes(5) }, ct);

        await host.RunUntilIdleAsync(ct);
        Assert.That((await host.Monitor.GetAsync(id, ct))!.Status, Is.EqualTo(JobStatus.Scheduled));

        await host.AdvanceAsync(TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1), ct);
        Assert.That(ranAt, Is.Empty, "Not due yet.");

        await host.AdvanceAsync(TimeSpan.FromTicks(1), ct);
        Assert.That(ranAt, Is.EqualTo(new[] { s_start.AddMinutes(5) }));
        Assert.That((await host.Monitor.GetAsync(id, ct))!.Status, Is.EqualTo(JobStatus.Succeeded));
    }

    [Test]
    public async Task RunUntilIdleAsync_FanOutChildren_WaitsForEveryChild(CancellationToken ct)
    {
        const int Children = 40;
        await using var host = await JobsTestHost.StartAsync(services => services.AddBackgroundJobs().AddQueue("children", q => q.Workers = 4), cancellationToken: ct);
        var done = 0;
        var parent = await host.Queue.EnqueueAsync(ctx => ctx.FanOutAsync(Enumerable.Range(0, Children), async (_, child) =>
        {
            // Each child gives its thread back a few times, so it is still running after the parent's enqueue returned.
            for (var i = 0; i < 3; i++)
            {
                await Task.Yield();
            }

            Interlocked.Increment(ref done);
        }, new JobOptions { Queue = "children" }), new JobOptions { Name = "parent" }, ct);

        await host.RunUntilIdleAsync(ct);

        Assert.That(Volatile.Read(ref done), Is.EqualTo(Children));
        var children = host.Enqueued.Where(j => j.Record.ParentId == parent).ToList();
        Assert.That(children, Has.Count.EqualTo(Children));
        foreach (var child in children)
        {
            Assert.That((await host.Monitor.GetAsync(child.Id, ct))!.Status, Is.EqualTo(JobStatus.Succeeded));
        }

        Assert.That((await host.Monitor.GetAsync(parent, ct))!.Status, Is.EqualTo(JobStatus.Succeeded));
    }

    [Test]
    public async Task RunUntilIdleAsync_ChainOfFollowUps_WaitsForTheLast(CancellationToken ct)
    {
        await using var host = await JobsTestHost.StartAsync(_ => { }, cancellationToken: ct);
        var reached = 0;

        // Each job enqueues the next through the IJobQueue of its own scope, as application jobs do.
        Func<JobContext, Task> Step(int left) => async ctx =>
        {
            Interlocked.Increment(ref reached);
            if (left > 0)
            {
                await Task.Yield();
                await ctx.Services.GetRequiredService<IJobQueue>().EnqueueAsync(Step(left - 1), new JobOptions { Name = $"step-{left - 1}" });
            }
        };
        await host.Queue.EnqueueAsync(Step(5), new JobOptions { Name = "step-5" }, ct);

        await host.RunUntilIdleAsync(ct);

        Assert.That(Volatile.Read(ref reached), Is.EqualTo(6));
        Assert.That(host.Enqueued.Select(j => j.Name), Is.EqualTo(new[] { "step-5", "step-4", "step-3", "step-2", "step-1", "step-0" }));
    }

    [Test]
    public async Task RunUntilIdleAsync_JobStillRunning_CompletesOnlyAfterItFinishes(CancellationToken ct)
    {
        await using var host = await JobsTestHost.StartAsync(_ => { }, cancellationToken: ct);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var id = await host.Queue.EnqueueAsync(async _ =>
        {
            started.SetResult();
            await release.Task;
        }, cancellationToken: ct);
        await started.Task.WaitAsync(ct);

        var idle = host.RunUntilIdleAsync(ct);
        Assert.That(idle.IsCompleted, Is.False, "The job still runs.");

        release.SetResult();
        await idle;
        Assert.That((await host.Monitor.GetAsync(id, ct))!.Status, Is.EqualTo(JobStatus.Succeeded));
    }

    [Test]
    public async Task RunUntilIdleAsync_JobWaitsOnTheClock_ThrowsTimeoutNamingTheJobUntilTimeMoves(CancellationToken ct)
    {
        await using var host = await JobsTestHost.StartAsync(_ => { }, new JobsTestHostOptions { IdleTimeout = TimeSpan.FromMilliseconds(200) }, ct);
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var id = await host.Queue.EnqueueAsync(async ctx =>
        {
            using var clock = new PeriodicTimer(TimeSpan.FromMinutes(1), host.Time);
            var tick = clock.WaitForNextTickAsync(ctx.CancellationToken);
            waiting.SetResult();
            await tick;
        }, new JobOptions { Name = "poller" }, ct);
        await waiting.Task.WaitAsync(ct);

        Assert.That(async () => await host.RunUntilIdleAsync(ct), Throws.TypeOf<TimeoutException>()
            .With.Message.Contains($"{id} poller on 'default': Running, attempt 1 of")
            .And.Message.Contains("moves JobsTestHost.Time"));

        host.Time.Advance(TimeSpan.FromMinutes(1));
        await host.RunUntilIdleAsync(ct);
        Assert.That((await host.Monitor.GetAsync(id, ct))!.Status, Is.EqualTo(JobStatus.Succeeded));
    }

    [Test]
    public async Task StartAsync_ServicesRegisterAFakeClock_UsesThatClock(CancellationToken ct)
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2030, 6, 1, 0, 0, 0, TimeSpan.Zero));
        await using var host = await JobsTestHost.StartAsync(services => services.AddSingleton<TimeProvider>(clock), cancellationToken: ct);

        var id = await host.Queue.EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct);
        await host.RunUntilIdleAsync(ct);

        Assert.That(host.Time, Is.SameAs(clock));
        Assert.That((await host.Monitor.GetAsync(id, ct))!.EnqueuedAt, Is.EqualTo(clock.GetUtcNow()));
    }

    [Test]
    public async Task StartAsync_UserWrittenStore_RunsAndRetriesJobsOnThatStore(CancellationToken ct)
    {
        var store = new DictionaryJobStore();
        var log = new AttemptLog();
        await using var host = await JobsTestHost.StartAsync(services =>
        {
            services.AddSingleton(log);
            services.AddBackgroundJobs().AddJob<FlakyJob, FlakyArgs>("flaky").UseStore(_ => store);
        }, cancellationToken: ct);

        var id = await host.Queue.EnqueueAsync<FlakyJob, FlakyArgs>(new FlakyArgs(SucceedOnAttempt: 2), new JobOptions { MaxAttempts = 2, Backoff = s_tenSecondsDoubling }, ct);
        await host.AdvanceAsync(TimeSpan.FromMinutes(1), ct);

        Assert.That((await store.GetAsync(id, ct))!.Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That(log.Runs, Is.EqualTo(new[] { (1, s_start), (2, s_start.AddSeconds(10)) }));
    }

    [Test]
    public async Task StartAsync_DurableStore_ThrowsNamingTheStore(CancellationToken ct)
    {
        using var database = new TemporaryFile("jobs.db");

        Assert.That(
            async () => await JobsTestHost.StartAsync(services => services.AddBackgroundJobs().UseStore(_ => new Sqlite.SqliteJobStore(new Sqlite.SqliteJobStoreOptions { ConnectionString = $"Data Source={database.Path}" }, TimeProvider.System)), cancellationToken: ct),
            Throws.TypeOf<NotSupportedException>().With.Message.Contains("SqliteJobStore, a durable store"));
    }

    [Test]
    public async Task BadInput_FailsAtOnceNamingWhatToChange(CancellationToken ct)
    {
        Assert.That(async () => await JobsTestHost.StartAsync(null!, cancellationToken: ct), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("configureServices"));
        Assert.That(
            async () => await JobsTestHost.StartAsync(_ => { }, new JobsTestHostOptions { IdleTimeout = TimeSpan.Zero }, ct),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("JobsTestHostOptions.IdleTimeout must be positive"));

        await using var host = await JobsTestHost.StartAsync(_ => { }, cancellationToken: ct);
        Assert.That(async () => await host.AdvanceAsync(TimeSpan.FromSeconds(-1), ct), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("by"));
    }

    private static Task<JobsTestHost> StartFlakyHostAsync(AttemptLog log, CancellationToken ct)
        => JobsTestHost.StartAsync(services =>
        {
            services.AddSingleton(log);
            services.AddBackgroundJobs().AddJob<FlakyJob, FlakyArgs>("flaky");
        }, cancellationToken: ct);
}
