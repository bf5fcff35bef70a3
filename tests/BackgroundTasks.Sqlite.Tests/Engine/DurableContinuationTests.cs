using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BackgroundTasks.Sqlite.Tests.Engine;

/// <summary>
/// Continuations on a SQLite file shared by hosts: the store settles a continuation in the transaction that records the
/// end of the job it continues, so it is released by whichever host ends that job, survives a restart, and is claimed
/// by any host (a typed one) or by its own host (a lambda).
/// </summary>
[CancelAfter(60_000)]
public sealed class DurableContinuationTests
{
    private TempDatabase _database = null!;

    [SetUp]
    public void CreateDatabase() => _database = new TempDatabase();

    [TearDown]
    public void DeleteDatabase() => _database.Dispose();

    [TestCase(false, JobContinuation.Succeeded, JobStatus.Succeeded)]
    [TestCase(true, JobContinuation.Succeeded, JobStatus.Cancelled)]
    [TestCase(true, JobContinuation.Finished, JobStatus.Succeeded)]
    public async Task TypedContinuation_JobContinuedEndsOnAnotherHost_TheStoreSettlesItAndAHostRunsItOnce(bool parentFails, JobContinuation when, JobStatus expected, CancellationToken ct)
    {
        var log = new Log();
        using var first = await StartAsync("host-a", log, ct);
        using var second = await StartAsync("host-b", log, ct);
        var release = new TaskCompletionSource();

        // A lambda stays with the host that enqueued it: host B ends the job continued.
        var parent = await Queue(second).EnqueueAsync(async _ =>
        {
            await release.Task;
            if (parentFails)
            {
                throw new InvalidOperationException("the job continued failed");
            }
        }, cancellationToken: ct);
        var next = await Queue(first).EnqueueAsync<CountJob, CountArgs>(new CountArgs("next"), new JobOptions { ContinueAfter = parent, ContinueWhen = when }, ct);
        var waiting = await Monitor(first).GetAsync(next, ct);
        Assert.That((waiting!.Status, waiting.ScheduledAt, waiting.ContinueAfter, waiting.ContinueWhen), Is.EqualTo((JobStatus.Scheduled, (DateTimeOffset?)DateTimeOffset.MaxValue, (JobId?)parent, when)));

        release.SetResult();
        var record = await Monitor(first).WaitAsync(next, ct);

        Assert.That(record.Status, Is.EqualTo(expected));
        Assert.That(log.Runs.GetValueOrDefault("next"), Is.EqualTo(expected == JobStatus.Succeeded ? 1 : 0));
        if (expected == JobStatus.Cancelled)
        {
            Assert.That(record.Error!.Message, Does.Contain($"Job {parent}, which this job continues, ended Failed"));
        }
    }

    [TestCase(false, JobStatus.Succeeded)]
    [TestCase(true, JobStatus.Cancelled)]
    public async Task LambdaContinuation_JobContinuedEndsOnAnotherHost_ItsOwnHostRunsOrEndsIt(bool parentFails, JobStatus expected, CancellationToken ct)
    {
        var log = new Log();
        using var first = await StartAsync("host-a", log, ct);
        using var second = await StartAsync("host-b", log, ct);
        var release = new TaskCompletionSource();
        var parent = await Queue(second).EnqueueAsync(async _ =>
        {
            await release.Task;
            if (parentFails)
            {
                throw new InvalidOperationException("the job continued failed");
            }
        }, cancellationToken: ct);
        var ranOn = new ConcurrentBag<string>();
        var next = await Queue(first).EnqueueAsync(ctx =>
        {
            ranOn.Add("host-a");
            return Task.CompletedTask;
        }, new JobOptions { ContinueAfter = parent }, ct);

        release.SetResult();

        // Host A hears of the end at its heartbeat (cancelled) or its next claim (released): it holds the lambda's code,
        // and the wait on host A ends only when host A lets go of its live job.
        var record = await Monitor(first).WaitAsync(next, ct);
        Assert.That(record.Status, Is.EqualTo(expected));
        Assert.That(ranOn, Has.Count.EqualTo(expected == JobStatus.Succeeded ? 1 : 0));
    }

    [Test]
    public async Task HostRestarts_AfterTheJobContinuedEndedButBeforeItsContinuationRan_TheContinuationStillRuns(CancellationToken ct)
    {
        var log = new Log();
        JobId parent, next;
        using (var host = await StartAsync("host-a", log, ct, workers: 1, drain: TimeSpan.Zero))
        {
            parent = await Queue(host).EnqueueAsync<GateJob, GateArgs>(new GateArgs("parent"), cancellationToken: ct);
            await log.Started("parent").WaitAsync(ct);
            next = await Queue(host).EnqueueAsync<CountJob, CountArgs>(new CountArgs("next"), new JobOptions { ContinueAfter = parent }, ct);

            // Queued before the continuation is released, so the one worker takes it next and holds it until the host stops.
            await Queue(host).EnqueueAsync<GateJob, GateArgs>(new GateArgs("blocker"), cancellationToken: ct);
            log.Release("parent");
            await log.Started("blocker").WaitAsync(ct);
            var released = await Monitor(host).GetAsync(next, ct);
            Assert.That((await Monitor(host).GetAsync(parent, ct))!.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(released!.Status, Is.EqualTo(JobStatus.Queued), "Released with the end of the job it continues, in the same transaction.");
            await host.StopAsync(ct);
        }

        Assert.That(log.Runs.ContainsKey("next"), Is.False, "The continuation had not run when the host stopped.");
        log.Release("blocker");
        using var restarted = await StartAsync("host-a", log, ct);
        var record = await Monitor(restarted).WaitAsync(next, ct);

        Assert.That((record.Status, record.Attempt), Is.EqualTo((JobStatus.Succeeded, 1)));
        Assert.That(log.Runs["next"], Is.EqualTo(1));
    }

    [Test]
    public async Task CancelAsync_TypedContinuationWhileItWaits_NeverRunsAndSettlesItsOwnContinuations(CancellationToken ct)
    {
        var log = new Log();
        using var first = await StartAsync("host-a", log, ct);
        using var second = await StartAsync("host-b", log, ct);
        var parent = await Queue(first).EnqueueAsync<GateJob, GateArgs>(new GateArgs("parent"), cancellationToken: ct);
        var next = await Queue(first).EnqueueAsync<CountJob, CountArgs>(new CountArgs("next"), new JobOptions { ContinueAfter = parent }, ct);
        var afterNext = await Queue(first).EnqueueAsync<CountJob, CountArgs>(new CountArgs("after-next"), new JobOptions { ContinueAfter = next, ContinueWhen = JobContinuation.Finished }, ct);
        var onlyIfNext = await Queue(first).EnqueueAsync<CountJob, CountArgs>(new CountArgs("only-if-next"), new JobOptions { ContinueAfter = next }, ct);

        // Cancelled by id from the other host, while it waits in the file.
        Assert.That(await Monitor(second).CancelAsync(next, ct), Is.True);
        Assert.That((await Monitor(second).WaitAsync(afterNext, ct)).Status, Is.EqualTo(JobStatus.Succeeded), "A Finished continuation of a cancelled job runs.");
        Assert.That((await Monitor(second).WaitAsync(onlyIfNext, ct)).Status, Is.EqualTo(JobStatus.Cancelled));
        log.Release("parent");
        Assert.That((await Monitor(first).WaitAsync(parent, ct)).Status, Is.EqualTo(JobStatus.Succeeded));

        var cancelled = await Monitor(first).WaitAsync(next, ct);
        Assert.That((cancelled.Status, cancelled.CancelReason, cancelled.Attempt), Is.EqualTo((JobStatus.Cancelled, JobCancelReason.Requested, 0)));
        Assert.That(log.Runs.ContainsKey("next"), Is.False);
        Assert.That(log.Runs.ContainsKey("only-if-next"), Is.False);
        Assert.That(log.Runs["after-next"], Is.EqualTo(1));
    }

    private static IJobQueue Queue(IHost host) => host.Services.GetRequiredService<IJobQueue>();

    private static IJobMonitor Monitor(IHost host) => host.Services.GetRequiredService<IJobMonitor>();

    private async Task<IHost> StartAsync(string hostName, Log log, CancellationToken ct, int workers = 2, TimeSpan? drain = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(log);
        builder.Services.AddBackgroundJobs(o =>
            {
                o.HostName = hostName;
                o.PollInterval = TimeSpan.FromMilliseconds(50);
                o.Queues["default"].Workers = workers;
                o.DrainTimeout = drain ?? TimeSpan.FromSeconds(10);
            })
            .AddJob<CountJob, CountArgs>("count")
            .AddJob<GateJob, GateArgs>("gate")
            .UseSqlite(_database.Path, o =>
            {
                o.RetentionInterval = Timeout.InfiniteTimeSpan;

                // A heartbeat every 100 ms: a host hears soon of ends recorded by another.
                o.LeaseDuration = TimeSpan.FromMilliseconds(300);
            });
        var host = builder.Build();
        await host.StartAsync(ct);
        return host;
    }

    public sealed record CountArgs(string Key);

    public sealed record GateArgs(string Key);

    /// <summary>What the jobs did, shared by the hosts of a test: runs by key, and gates that hold a job until released.</summary>
    public sealed class Log
    {
        private readonly ConcurrentDictionary<string, (TaskCompletionSource Started, TaskCompletionSource Release)> _gates = new();

        public ConcurrentDictionary<string, int> Runs { get; } = new();

        public Task Started(string key) => Gate(key).Started.Task;

        public void Release(string key) => Gate(key).Release.TrySetResult();

        public (TaskCompletionSource Started, TaskCompletionSource Release) Gate(string key)
            => _gates.GetOrAdd(key, static _ => (new(TaskCreationOptions.RunContinuationsAsynchronously), new(TaskCreationOptions.RunContinuationsAsynchronously)));
    }

    public sealed class CountJob(Log log) : IJob<CountArgs>
    {
        public Task RunAsync(CountArgs args, JobContext context)
        {
            log.Runs.AddOrUpdate(args.Key, 1, static (_, n) => n + 1);
            return Task.CompletedTask;
        }
    }

    /// <summary>Starts, then waits until its gate is released (or its token fires, when the host stops).</summary>
    public sealed class GateJob(Log log) : IJob<GateArgs>
    {
        public async Task RunAsync(GateArgs args, JobContext context)
        {
            var gate = log.Gate(args.Key);
            gate.Started.TrySetResult();
            await gate.Release.Task.WaitAsync(context.CancellationToken);
            log.Runs.AddOrUpdate(args.Key, 1, static (_, n) => n + 1);
        }
    }
}
