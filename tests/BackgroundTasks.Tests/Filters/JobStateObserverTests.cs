using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace BackgroundTasks.Tests.Filters;

[CancelAfter(20_000)]
public sealed class JobStateObserverTests
{
    [Test]
    public async Task OnStateChanged_RetriedFailedDelayedAndCancelledJobs_SeesEveryChangeInOrder(CancellationToken ct)
    {
        var seen = new ChangeLog();
        await using var host = await JobsHost.StartAsync(build: jobs => jobs.OnStateChanged(seen.Add));
        var retryOnce = new JobOptions { MaxAttempts = 2, Backoff = new RetryBackoff { InitialDelay = TimeSpan.FromSeconds(5), Jitter = 0 } };

        var retried = await host.Queue.EnqueueAsync(ctx => ctx.Attempt == 1 ? throw new IOException("flaky") : Task.CompletedTask, retryOnce, ct);
        await host.Store.WaitForStatusAsync(retried, JobStatus.Retrying, ct);
        await host.Time.WaitForTimerAsync(TimeSpan.FromSeconds(5), ct);
        host.Time.Advance(TimeSpan.FromSeconds(5));
        await host.Monitor.WaitAsync(retried, ct);
        var failed = await host.Queue.EnqueueAsync(_ => throw new InvalidOperationException("broken"), cancellationToken: ct);
        await host.Monitor.WaitAsync(failed, ct);
        var delayed = await host.Queue.EnqueueAsync(_ => Task.CompletedTask, new JobOptions { Delay = TimeSpan.FromMinutes(1) }, ct);
        await host.Monitor.CancelAsync(delayed, ct);
        await host.Monitor.WaitAsync(delayed, ct);

        Assert.That(seen.StatusesOf(retried), Is.EqualTo(new[] { JobStatus.Queued, JobStatus.Running, JobStatus.Retrying, JobStatus.Queued, JobStatus.Running, JobStatus.Succeeded }));
        Assert.That(seen.StatusesOf(failed), Is.EqualTo(new[] { JobStatus.Queued, JobStatus.Running, JobStatus.Failed }));
        Assert.That(seen.StatusesOf(delayed), Is.EqualTo(new[] { JobStatus.Scheduled, JobStatus.Cancelled }));

        var retrying = seen.Of(retried).Single(c => c.Status == JobStatus.Retrying);
        Assert.That(retrying.Error!.Message, Is.EqualTo("flaky"));
        Assert.That(retrying.Attempt, Is.EqualTo(1));
        Assert.That(retrying.MaxAttempts, Is.EqualTo(2));
        Assert.That(retrying.ScheduledAt, Is.EqualTo(retrying.Timestamp + TimeSpan.FromSeconds(5)));
        Assert.That(seen.Of(retried).Last().Attempt, Is.EqualTo(2));
        Assert.That(seen.Of(failed).Last().Error!.Message, Is.EqualTo("broken"), "One place to alert on every failure, with the error.");
        Assert.That(seen.Of(delayed).First().ScheduledAt, Is.EqualTo(seen.Of(delayed).First().Timestamp + TimeSpan.FromMinutes(1)));
        Assert.That(seen.Of(delayed).Last().CancelReason, Is.EqualTo(JobCancelReason.Requested));
        Assert.That(seen.Of(failed).Select(c => c.Queue).Distinct(), Is.EqualTo(new[] { "default" }));
    }

    [Test]
    public async Task AddJobStateObserver_TypedJobOnADurableStore_SeesItsNameAndEnd(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync(
            build: jobs => jobs.AddJobStateObserver<RecordingObserver>().AddJobStateObserver<RecordingObserver>().AddJob<FailingJob, int>("failing-job"),
            services: s => s.AddSingleton<ChangeLog>(),
            sqlite: true);
        var seen = host.Host.Services.GetRequiredService<ChangeLog>();

        var id = await host.Queue.EnqueueAsync<FailingJob, int>(42, cancellationToken: ct);
        await host.Monitor.WaitAsync(id, ct);

        Assert.That(seen.StatusesOf(id), Is.EqualTo(new[] { JobStatus.Queued, JobStatus.Running, JobStatus.Failed }), "Once each, although added twice.");
        Assert.That(seen.Of(id).Select(c => c.Name).Distinct(), Is.EqualTo(new[] { "failing-job" }));
        Assert.That(seen.Of(id).Last().Error!.Message, Does.StartWith("42 is not accepted"));
    }

    [Test]
    public async Task OnStateChanged_ObserverThrows_IsLoggedAndJobGoesOn(CancellationToken ct)
    {
        var logs = new FakeLogCollector();
        var seen = new ChangeLog();
        await using var host = await JobsHost.StartAsync(
            build: jobs => jobs.OnStateChanged(_ => throw new InvalidOperationException("alerting is down")).OnStateChanged(seen.Add),
            services: s => s.AddLogging(b => b.AddProvider(new FakeLoggerProvider(logs))));

        var id = await host.Queue.EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct);
        var record = await host.Monitor.WaitAsync(id, ct);

        Assert.That(record.Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That(seen.StatusesOf(id), Is.EqualTo(new[] { JobStatus.Queued, JobStatus.Running, JobStatus.Succeeded }), "The next observer still sees every change.");
        var failures = logs.GetSnapshot().Where(l => l.Id.Id == 40).ToList();
        Assert.That(failures, Has.Count.EqualTo(3));
        Assert.That(failures.All(l => l.Level == LogLevel.Error && l.Exception?.Message == "alerting is down"), Is.True);
        Assert.That(failures[^1].Message, Does.Contain(id.ToString()).And.Contain("Succeeded"));
    }

    [Test]
    public void OnStateChanged_Null_Throws()
    {
        var builder = new ServiceCollection().AddBackgroundJobs();

        Assert.That(() => builder.OnStateChanged(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("onStateChanged"));
    }

    public sealed class ChangeLog
    {
        private readonly List<JobStateChange> _changes = [];

        public void Add(JobStateChange change)
        {
            lock (_changes)
            {
                _changes.Add(change);
            }
        }

        public List<JobStateChange> Of(JobId id)
        {
            lock (_changes)
            {
                return _changes.Where(c => c.Id == id).ToList();
            }
        }

        public List<JobStatus> StatusesOf(JobId id) => Of(id).Select(c => c.Status).ToList();
    }

    public sealed class RecordingObserver(ChangeLog log) : IJobStateObserver
    {
        public void OnStateChanged(JobStateChange change) => log.Add(change);
    }

    public sealed class FailingJob : IJob<int>
    {
        public Task RunAsync(int args, JobContext context) => throw new ArgumentOutOfRangeException(nameof(args), $"{args} is not accepted");
    }
}
