using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BackgroundTasks.Sqlite.Tests.Engine;

/// <summary>The engine running jobs it claims from a SQLite file: recovery, several hosts, shutdown.</summary>
[CancelAfter(60_000)]
public sealed class DurableEngineTests
{
    private TempDatabase _database = null!;

    [SetUp]
    public void CreateDatabase() => _database = new TempDatabase();

    [TearDown]
    public void DeleteDatabase() => _database.Dispose();

    [Test]
    public async Task TypedAndLambdaJobs_RunFromTheFile_EachOnceAndRecorded(CancellationToken ct)
    {
        using var host = await StartAsync("host-a", ct);
        var queue = host.Services.GetRequiredService<IJobQueue>();
        var ids = new List<JobId>();
        for (var i = 0; i < 40; i++)
        {
            ids.Add(await queue.EnqueueAsync<CountRun, CountArgs>(new CountArgs($"typed-{i}"), cancellationToken: ct));
            ids.Add(await queue.EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct));
        }

        var records = await WaitAllAsync(host, ids, ct);

        Assert.That(records.Select(static r => (r.Status, r.Attempt)), Is.All.EqualTo((JobStatus.Succeeded, 1)));
        Assert.That(host.Services.GetRequiredService<RunLog>().Runs.Values, Is.All.EqualTo(1));
        await host.StopAsync(ct);
    }

    [Test]
    public async Task EnqueueManyAsync_TwoThousandJobs_ShareCommitsAndAllRun(CancellationToken ct)
    {
        using var host = await StartAsync("host-a", ct);
        var store = (SqliteJobStore)host.Services.GetRequiredService<IJobStore>();
        var before = store.TransactionCount;

        var ids = await host.Services.GetRequiredService<IJobQueue>().EnqueueManyAsync<CountRun, CountArgs>(
            Enumerable.Range(0, 2_000).Select(static i => new CountArgs($"import-{i}")), cancellationToken: ct);
        var records = await WaitAllAsync(host, [.. ids], ct);

        Assert.That(records.Select(static r => r.Status), Is.All.EqualTo(JobStatus.Succeeded));
        Assert.That(host.Services.GetRequiredService<RunLog>().Runs, Has.Count.EqualTo(2_000));
        TestContext.Out.WriteLine($"{store.TransactionCount - before} transactions for 2,000 enqueues and their runs");
        Assert.That(store.TransactionCount - before, Is.LessThan(2_000 * 3 / 2), "Enqueues, claims and outcomes share commits.");
        await host.StopAsync(ct);
    }

    [Test]
    public async Task RestartedHost_RecoversItsEarlierInstancesRunningJobAtOnce_AsTheNextAttempt(CancellationToken ct)
    {
        var job = await AddClaimedAsync("host-a/earlier-instance", lease: TimeSpan.FromHours(1), ct);

        using var host = await StartAsync("host-a", ct);
        var record = await host.Services.GetRequiredService<IJobMonitor>().WaitAsync(job, ct);

        Assert.That((record.Status, record.Attempt), Is.EqualTo((JobStatus.Succeeded, 2)), "The lease had an hour to go: only the host name says the job's host is gone.");
        await host.StopAsync(ct);
    }

    [Test]
    public async Task JobOfAnotherHostWhoseLeaseExpired_IsRecoveredAndRunHere(CancellationToken ct)
    {
        var job = await AddClaimedAsync("host-b/1", lease: TimeSpan.FromMilliseconds(1), ct);

        using var host = await StartAsync("host-a", ct);
        var record = await host.Services.GetRequiredService<IJobMonitor>().WaitAsync(job, ct);

        Assert.That((record.Status, record.Attempt), Is.EqualTo((JobStatus.Succeeded, 2)));
        await host.StopAsync(ct);
    }

    [Test]
    public async Task LambdaJobOfAnEarlierInstance_IsFailedSayingItCannotBeReRun(CancellationToken ct)
    {
        var lambda = TestJobs.Lambda();
        await using (var store = _database.Open())
        {
            await ((IDurableJobStore)store).AddAsync(lambda, "host-a/earlier-instance", ct);
        }

        using var host = await StartAsync("host-a", ct);
        var record = await host.Services.GetRequiredService<IJobMonitor>().WaitAsync(lambda.Id, ct);

        Assert.That(record.Status, Is.EqualTo(JobStatus.Failed));
        Assert.That(record.Error!.Message, Does.Contain("lambda job cannot be re-run"));
        await host.StopAsync(ct);
    }

    [Test]
    public async Task StoredJobWithAnUnregisteredName_FailsNamingTheJobAndTheFix(CancellationToken ct)
    {
        var stranger = TestJobs.Typed() with { Name = "nobody-registers-this", Arguments = "{}" };
        await using (var store = _database.Open())
        {
            await store.AddAsync(stranger, ct);
        }

        using var host = await StartAsync("host-a", ct);
        var record = await host.Services.GetRequiredService<IJobMonitor>().WaitAsync(stranger.Id, ct);

        Assert.That(record.Status, Is.EqualTo(JobStatus.Failed));
        Assert.That(record.Error!.Message, Does.Contain("'nobody-registers-this'").And.Contain("AddJob"));
        await host.StopAsync(ct);
    }

    [Test]
    public async Task TwoHostsOnOneFile_ShareTheQueue_EveryJobRunsOnce(CancellationToken ct)
    {
        var log = new RunLog();
        using var first = await StartAsync("host-a", ct, log);
        using var second = await StartAsync("host-b", ct, log);
        var ids = new List<JobId>();
        for (var i = 0; i < 300; i++)
        {
            var host = i % 2 == 0 ? first : second;
            ids.Add(await host.Services.GetRequiredService<IJobQueue>().EnqueueAsync<CountRun, CountArgs>(new CountArgs($"job-{i}"), cancellationToken: ct));
        }

        var records = await WaitAllAsync(first, ids, ct);

        Assert.That(records.Select(static r => r.Status), Is.All.EqualTo(JobStatus.Succeeded));
        Assert.That(log.Runs, Has.Count.EqualTo(300));
        Assert.That(log.Runs.Values, Is.All.EqualTo(1), "A job ran twice in one attempt.");
        Assert.That(log.Hosts.Distinct().Count(), Is.EqualTo(2), "Both hosts took jobs from the shared file.");
        await first.StopAsync(ct);
        await second.StopAsync(ct);
    }

    [Test]
    public async Task HostStopsWhileATypedJobRuns_TheJobIsDueAgainAndTheNextHostRunsIt(CancellationToken ct)
    {
        var log = new RunLog { BlockFirstRun = true };
        JobId id;
        using (var host = await StartAsync("host-a", ct, log, drain: TimeSpan.Zero))
        {
            id = await host.Services.GetRequiredService<IJobQueue>().EnqueueAsync<CountRun, CountArgs>(new CountArgs("interrupted"), cancellationToken: ct);
            await log.FirstRunStarted.Task.WaitAsync(ct);
            await host.StopAsync(ct);
        }

        await using (var store = _database.Open())
        {
            var stopped = await store.GetAsync(id, ct);
            Assert.That((stopped!.Status, stopped.Attempt), Is.EqualTo((JobStatus.Retrying, 1)), "The host gave the job back to the file instead of cancelling it.");
        }

        using var next = await StartAsync("host-a", ct, log);
        var record = await next.Services.GetRequiredService<IJobMonitor>().WaitAsync(id, ct);

        Assert.That((record.Status, record.Attempt), Is.EqualTo((JobStatus.Succeeded, 2)));
        await next.StopAsync(ct);
    }

    [Test]
    public async Task TypedJobClaimedByAnotherHost_RunsWithTheTimeoutAndBackoffItWasEnqueuedWith(CancellationToken ct)
    {
        JobId id;
        using (var first = await StartAsync("host-a", ct))
        {
            // Delayed, so that this host stops before it could run it: the next host claims it from the file.
            id = await first.Services.GetRequiredService<IJobQueue>().EnqueueAsync<UntilCancelledRun, CountArgs>(new CountArgs("timed"), new JobOptions
            {
                Delay = TimeSpan.FromMilliseconds(300),
                Timeout = TimeSpan.FromMilliseconds(250),
                MaxAttempts = 2,
                Backoff = new RetryBackoff { InitialDelay = TimeSpan.FromHours(1), MaxDelay = TimeSpan.FromHours(2), Jitter = 0 },
            }, ct);
            await first.StopAsync(ct);
        }

        // The queue's defaults of both hosts: no timeout, a back-off of seconds. Without the job's own settings the attempt
        // would run until the test's limit.
        using var next = await StartAsync("host-b", ct);
        JobRecord? retrying = null;
        await foreach (var record in next.Services.GetRequiredService<IJobMonitor>().WatchAsync(id, ct))
        {
            if (record.Status == JobStatus.Retrying)
            {
                retrying = record;
                break;
            }
        }

        Assert.That(retrying, Is.Not.Null, "The job's first attempt timed out and it waits for its second.");
        Assert.That(retrying!.Error?.TimedOut, Is.True, $"The attempt ended by its own timeout: {retrying.Error}");
        Assert.That(retrying.ScheduledAt - retrying.FinishedAt.GetValueOrDefault(retrying.StartedAt!.Value), Is.GreaterThan(TimeSpan.FromMinutes(59)), "The retry waits the job's own back-off of an hour.");
        Assert.That((retrying.Timeout, retrying.Backoff?.InitialDelay), Is.EqualTo(((TimeSpan?)TimeSpan.FromMilliseconds(250), (TimeSpan?)TimeSpan.FromHours(1))));
        await next.StopAsync(ct);
    }

    private async Task<JobId> AddClaimedAsync(string owner, TimeSpan lease, CancellationToken ct)
    {
        var job = TestJobs.Typed() with { Name = "count", Arguments = """{"key":"recovered"}""", MaxAttempts = 3 };
        await using var store = _database.Open();
        await store.AddAsync(job, ct);
        var claimed = await store.ClaimAsync("default", owner, 1, TimeProvider.System.GetUtcNow() - TimeSpan.FromMinutes(1), lease, ct);
        Assert.That(claimed.Single().Id, Is.EqualTo(job.Id));
        return job.Id;
    }

    private static async Task<List<JobRecord>> WaitAllAsync(IHost host, List<JobId> ids, CancellationToken ct)
    {
        var monitor = host.Services.GetRequiredService<IJobMonitor>();
        var records = new List<JobRecord>();
        foreach (var id in ids)
        {
            records.Add(await monitor.WaitAsync(id, ct));
        }

        return records;
    }

    private async Task<IHost> StartAsync(string hostName, CancellationToken ct, RunLog? log = null, TimeSpan? drain = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(log ?? new RunLog());
        builder.Services.AddBackgroundJobs(o =>
            {
                o.HostName = hostName;
                o.PollInterval = TimeSpan.FromMilliseconds(50);
                o.Queues["default"].Workers = 2;
                o.DrainTimeout = drain ?? TimeSpan.FromSeconds(10);
            })
            .AddJob<CountRun, CountArgs>("count")
            .AddJob<UntilCancelledRun, CountArgs>("until-cancelled")
            .UseSqlite(_database.Path, o => o.RetentionInterval = Timeout.InfiniteTimeSpan);
        var host = builder.Build();
        await host.StartAsync(ct);
        return host;
    }

    public sealed record CountArgs(string Key);

    /// <summary>Counts the runs of each job (by its key) and which hosts ran jobs.</summary>
    public sealed class RunLog
    {
        private int _blocked;

        public ConcurrentDictionary<string, int> Runs { get; } = new();

        public ConcurrentBag<string> Hosts { get; } = [];

        public bool BlockFirstRun { get; init; }

        public TaskCompletionSource FirstRunStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool TakeBlock() => BlockFirstRun && Interlocked.Exchange(ref _blocked, 1) == 0;
    }

    public sealed class CountRun(RunLog log, IHostEnvironment environment, Microsoft.Extensions.Options.IOptions<BackgroundJobsOptions> options) : IJob<CountArgs>
    {
        public async Task RunAsync(CountArgs args, JobContext context)
        {
            log.Runs.AddOrUpdate(args.Key, 1, static (_, n) => n + 1);
            log.Hosts.Add(options.Value.HostName + environment.ApplicationName);
            if (log.TakeBlock())
            {
                log.FirstRunStarted.SetResult();
                // Runs until the host's stop fires its token.
                await new TaskCompletionSource().Task.WaitAsync(context.CancellationToken);
            }
        }
    }

    /// <summary>Runs until its attempt's token fires (its timeout, or the host's stop).</summary>
    public sealed class UntilCancelledRun : IJob<CountArgs>
    {
        public Task RunAsync(CountArgs args, JobContext context) => new TaskCompletionSource().Task.WaitAsync(context.CancellationToken);
    }
}
