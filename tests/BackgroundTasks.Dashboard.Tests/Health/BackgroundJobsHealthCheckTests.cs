using BackgroundTasks.Dashboard;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace BackgroundTasks.Dashboard.Tests.Health;

/// <summary>
/// <c>AddHealthChecks().AddBackgroundJobs()</c> through the real <see cref="HealthCheckService"/>: Healthy; Degraded
/// when a queue stays full or too many jobs fail; Unhealthy when the worker pool has stopped or the store throws
/// or does not answer. Time is a <see cref="FakeTimeProvider"/>.
/// </summary>
[CancelAfter(20_000)]
public sealed class BackgroundJobsHealthCheckTests
{
    private const string Name = "background-jobs";

    private FakeTimeProvider _time = null!;

    [SetUp]
    public void StartClock() => _time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 10, 0, 0, TimeSpan.Zero));

    [Test]
    public async Task Check_PoolRunsAndStoreAnswers_Healthy(CancellationToken ct)
    {
        using var host = Build();
        await host.StartAsync(ct);
        var id = await Queue(host).EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct);
        await Monitor(host).WaitAsync(id, ct);

        var entry = await CheckAsync(host, ct);

        Assert.That(entry.Status, Is.EqualTo(HealthStatus.Healthy), entry.Description);
        Assert.That(entry.Data["running"], Is.EqualTo(true));
        Assert.That(entry.Data["queue.default.length"], Is.EqualTo(0));
        await host.StopAsync(ct);
    }

    [Test]
    public async Task Check_QueueFullPastTheThreshold_DegradedNamingTheQueue_HealthyOnceItHasRoom(CancellationToken ct)
    {
        using var host = Build(
            health => health.FullQueueThreshold = TimeSpan.FromSeconds(30),
            jobs => { jobs.Queues["default"].Capacity = 1; jobs.Queues["default"].FullMode = QueueFullMode.Reject; });
        await host.StartAsync(ct);
        var (running, release) = await StartBlockingJobAsync(host, ct);
        var waiting = await Queue(host).EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct);

        var firstSeen = await CheckAsync(host, ct);
        _time.Advance(TimeSpan.FromSeconds(29));
        var notYet = await CheckAsync(host, ct);
        _time.Advance(TimeSpan.FromSeconds(1));
        var stuck = await CheckAsync(host, ct);
        release.SetResult();
        await Monitor(host).WaitAsync(waiting, ct);
        var drained = await CheckAsync(host, ct);

        Assert.That(firstSeen.Status, Is.EqualTo(HealthStatus.Healthy), "Full when first seen: not yet for long.");
        Assert.That(notYet.Status, Is.EqualTo(HealthStatus.Healthy), "Full for 29 s, under the 30 s threshold.");
        Assert.That(stuck.Status, Is.EqualTo(HealthStatus.Degraded));
        Assert.That(stuck.Description, Does.Contain("Queue 'default' has been full (1 of 1) since 2026-01-01T10:00:00"));
        Assert.That(drained.Status, Is.EqualTo(HealthStatus.Healthy), drained.Description);
        Assert.That((await Monitor(host).GetAsync(running, ct))!.Status, Is.EqualTo(JobStatus.Succeeded));
        await host.StopAsync(ct);
    }

    [Test]
    public async Task Check_QueueFullAgainAfterHavingRoom_CountsFromTheNewFullCheck(CancellationToken ct)
    {
        using var host = Build(
            health => health.FullQueueThreshold = TimeSpan.FromSeconds(30),
            jobs => { jobs.Queues["default"].Capacity = 1; jobs.Queues["default"].FullMode = QueueFullMode.Reject; });
        await host.StartAsync(ct);
        var (_, release) = await StartBlockingJobAsync(host, ct);
        var waiting = await Queue(host).EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct);
        await CheckAsync(host, ct);
        release.SetResult();
        await Monitor(host).WaitAsync(waiting, ct);
        await CheckAsync(host, ct);

        _time.Advance(TimeSpan.FromMinutes(5));
        var (_, releaseAgain) = await StartBlockingJobAsync(host, ct);
        var waitingAgain = await Queue(host).EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct);
        var fullAgain = await CheckAsync(host, ct);
        releaseAgain.SetResult();
        await Monitor(host).WaitAsync(waitingAgain, ct);

        Assert.That(fullAgain.Status, Is.EqualTo(HealthStatus.Healthy), "A check saw room in between: the queue has been full for 0 s, not 5 min.");
        await host.StopAsync(ct);
    }

    [Test]
    public async Task Check_FailureRateReachesTheThreshold_Degraded_HealthyOnceTheFailuresLeaveTheWindow(CancellationToken ct)
    {
        using var host = Build(health =>
        {
            health.FailureRateThreshold = 0.5;
            health.FailureRateMinimumJobs = 4;
            health.FailureWindow = TimeSpan.FromMinutes(2);
        });
        await host.StartAsync(ct);
        await RunAsync(host, fail: true, ct);
        await RunAsync(host, fail: true, ct);
        await RunAsync(host, fail: false, ct);
        var tooFew = await CheckAsync(host, ct);
        await RunAsync(host, fail: false, ct);

        var degraded = await CheckAsync(host, ct);
        _time.Advance(TimeSpan.FromMinutes(2));
        var later = await CheckAsync(host, ct);

        Assert.That(tooFew.Status, Is.EqualTo(HealthStatus.Healthy), "Two failures among three jobs: under the minimum of four jobs.");
        Assert.That(degraded.Status, Is.EqualTo(HealthStatus.Degraded));
        Assert.That(degraded.Description, Does.Contain("2 of the 4 jobs that finished in the last 2 minutes failed (50%, the threshold is 50%)"));
        Assert.That((degraded.Data["failed"], degraded.Data["finished"]), Is.EqualTo((2L, 4L)));
        Assert.That(later.Status, Is.EqualTo(HealthStatus.Healthy), "Two minutes on, the failures are out of the window.");
        await host.StopAsync(ct);
    }

    [Test]
    public async Task Check_RetriedAttemptsAndUnderTheThreshold_Healthy(CancellationToken ct)
    {
        using var host = Build(
            health => { health.FailureRateThreshold = 0.5; health.FailureRateMinimumJobs = 4; },
            jobs => jobs.Queues["default"].Backoff = new RetryBackoff { InitialDelay = TimeSpan.Zero, Jitter = 0 });
        await host.StartAsync(ct);
        await RunAsync(host, fail: true, ct);
        for (var i = 0; i < 3; i++)
        {
            var flaky = await Queue(host).EnqueueAsync(ctx => ctx.Attempt == 1 ? throw new IOException("flaky") : Task.CompletedTask, new JobOptions { MaxAttempts = 2 }, ct);
            await Monitor(host).WaitAsync(flaky, ct);
        }

        var entry = await CheckAsync(host, ct);

        Assert.That(entry.Status, Is.EqualTo(HealthStatus.Healthy), "One job of four failed for good; failed attempts that were retried do not count.");
        await host.StopAsync(ct);
    }

    [Test]
    public async Task Check_BeforeTheHostStarts_Unhealthy(CancellationToken ct)
    {
        using var host = Build();

        var entry = await CheckAsync(host, ct);

        Assert.That(entry.Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(entry.Description, Does.Contain("worker pool of this host is not running"));
    }

    [Test]
    public async Task Check_WorkerPoolStoppedWhileTheHostRuns_Unhealthy(CancellationToken ct)
    {
        using var host = Build();
        await host.StartAsync(ct);
        var healthy = await CheckAsync(host, ct);

        var workerPool = host.Services.GetServices<IHostedService>().Single(s => s.GetType().Assembly == typeof(IJobQueue).Assembly);
        await workerPool.StopAsync(ct);
        var entry = await CheckAsync(host, ct);

        Assert.That(healthy.Status, Is.EqualTo(HealthStatus.Healthy), healthy.Description);
        Assert.That(entry.Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(entry.Description, Does.Contain("worker pool of this host is not running"));
        Assert.That(entry.Data["running"], Is.EqualTo(false));
        await host.StopAsync(ct);
    }

    [Test]
    public async Task Check_StoreThrows_UnhealthyWithTheStoresException(CancellationToken ct)
    {
        var store = new GatedJobStore();
        using var host = Build(store: store);
        await host.StartAsync(ct);

        store.ReadFailure = new IOException("database is unreachable");
        var entry = await CheckAsync(host, ct);
        store.ReadFailure = null;
        var recovered = await CheckAsync(host, ct);

        Assert.That(entry.Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(entry.Description, Does.Contain("job store cannot be reached").And.Contain("IOException: database is unreachable"));
        Assert.That(entry.Exception, Is.InstanceOf<IOException>());
        Assert.That(recovered.Status, Is.EqualTo(HealthStatus.Healthy), recovered.Description);
        await host.StopAsync(ct);
    }

    [Test]
    public async Task Check_StoreNeverAnswersAndIgnoresItsToken_UnhealthyAfterTheStoreTimeout(CancellationToken ct)
    {
        var store = new GatedJobStore { ReadsHang = true };
        using var host = Build(health => health.StoreTimeout = TimeSpan.FromSeconds(3), store: store);
        await host.StartAsync(ct);

        var check = CheckAsync(host, ct);
        await store.ReadHanging.Task.WaitAsync(ct);
        Assert.That(check.IsCompleted, Is.False, "The check waits for the store.");
        while (!check.IsCompleted)
        {
            // The check's timer may be armed a moment after the read started: move the clock until it fires.
            _time.Advance(TimeSpan.FromSeconds(3));
            await Task.Yield();
        }

        var entry = await check;

        Assert.That(entry.Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(entry.Description, Does.Contain("job store did not answer a read within 00:00:03"));
        await host.StopAsync(ct);
    }

    [Test]
    public void AddBackgroundJobs_OptionOutOfRange_ThrowsNamingTheOption()
    {
        var services = new ServiceCollection();

        Assert.That(() => services.AddHealthChecks().AddBackgroundJobs(o => o.FailureWindow = TimeSpan.FromSeconds(90)), Throws.InstanceOf<ArgumentOutOfRangeException>()
            .With.Message.Contains("BackgroundJobsHealthCheckOptions.FailureWindow must be whole minutes, from 1 to 60"));
        Assert.That(() => services.AddHealthChecks().AddBackgroundJobs(o => o.FailureRateThreshold = 0), Throws.InstanceOf<ArgumentOutOfRangeException>()
            .With.Property(nameof(ArgumentException.ParamName)).EqualTo("FailureRateThreshold"));
        Assert.That(() => services.AddHealthChecks().AddBackgroundJobs(o => o.StoreTimeout = TimeSpan.Zero), Throws.InstanceOf<ArgumentOutOfRangeException>()
            .With.Message.Contains("StoreTimeout must be positive"));
    }

    private static IJobQueue Queue(IHost host) => host.Services.GetRequiredService<IJobQueue>();

    private static IJobMonitor Monitor(IHost host) => host.Services.GetRequiredService<IJobMonitor>();

    private static async Task<HealthReportEntry> CheckAsync(IHost host, CancellationToken ct)
        => (await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(ct)).Entries[Name];

    private static async Task RunAsync(IHost host, bool fail, CancellationToken ct)
    {
        var id = await Queue(host).EnqueueAsync(_ => fail ? throw new InvalidOperationException("broken") : Task.CompletedTask, cancellationToken: ct);
        await Monitor(host).WaitAsync(id, ct);
    }

    private static async Task<(JobId Id, TaskCompletionSource Release)> StartBlockingJobAsync(IHost host, CancellationToken ct)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var id = await Queue(host).EnqueueAsync(async _ =>
        {
            started.SetResult();
            await release.Task;
        }, cancellationToken: ct);
        await started.Task.WaitAsync(ct);
        return (id, release);
    }

    private IHost Build(Action<BackgroundJobsHealthCheckOptions>? health = null, Action<BackgroundJobsOptions>? jobs = null, IJobStore? store = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(_time);
        var background = builder.Services.AddBackgroundJobs(o =>
        {
            o.Queues["default"].Workers = 1;
            jobs?.Invoke(o);
        });
        if (store is not null)
        {
            background.UseStore(_ => store);
        }

        builder.Services.AddHealthChecks().AddBackgroundJobs(health);
        return builder.Build();
    }
}
