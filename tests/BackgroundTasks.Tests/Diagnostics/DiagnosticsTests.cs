using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace BackgroundTasks.Tests.Diagnostics;

[CancelAfter(20_000)]
[NonParallelizable]
public sealed class DiagnosticsTests
{
    [Test]
    public async Task Metrics_CountEnqueuedFinishedAndRetriedJobsByQueueAndStatus(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync(o => o.Queues["default"].Backoff = new RetryBackoff { InitialDelay = TimeSpan.Zero, Jitter = 0 });
        var meters = host.Host.Services.GetRequiredService<IMeterFactory>();
        using var enqueued = new MetricCollector<long>(meters, "BackgroundTasks", "backgroundtasks.jobs.enqueued");
        using var finished = new MetricCollector<long>(meters, "BackgroundTasks", "backgroundtasks.jobs.finished");
        using var retried = new MetricCollector<long>(meters, "BackgroundTasks", "backgroundtasks.jobs.retried");
        using var duration = new MetricCollector<double>(meters, "BackgroundTasks", "backgroundtasks.job.duration");

        var ok = await host.Queue.EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct);
        var flaky = await host.Queue.EnqueueAsync(ctx => ctx.Attempt == 1 ? throw new IOException() : Task.CompletedTask, new JobOptions { MaxAttempts = 2 }, ct);
        var broken = await host.Queue.EnqueueAsync(_ => throw new IOException(), cancellationToken: ct);
        foreach (var id in new[] { ok, flaky, broken })
        {
            await host.Monitor.WaitAsync(id, ct);
        }

        Assert.That(enqueued.GetMeasurementSnapshot().EvaluateAsCounter(), Is.EqualTo(3));
        Assert.That(enqueued.LastMeasurement!.Tags["backgroundtasks.queue"], Is.EqualTo("default"));
        var byStatus = finished.GetMeasurementSnapshot().GroupBy(m => (string)m.Tags["backgroundtasks.job.status"]!).ToDictionary(g => g.Key, g => g.Sum(m => m.Value));
        Assert.That(byStatus, Is.EqualTo(new Dictionary<string, long> { ["succeeded"] = 2, ["failed"] = 1 }));
        Assert.That(retried.GetMeasurementSnapshot().EvaluateAsCounter(), Is.EqualTo(1));
        Assert.That(duration.GetMeasurementSnapshot(), Has.Count.EqualTo(4), "One duration per attempt.");
    }

    [Test]
    public async Task ActivitySource_OneActivityPerAttempt_WithJobTagsAndErrorStatus(CancellationToken ct)
    {
        var stopped = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "BackgroundTasks",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (stopped)
                {
                    stopped.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var host = await JobsHost.StartAsync();

        var id = await host.Queue.EnqueueAsync(_ => throw new InvalidOperationException("bad input file"), new JobOptions { Name = "import" }, ct);
        await host.Monitor.WaitAsync(id, ct);

        Activity activity;
        lock (stopped)
        {
            activity = stopped.Single(a => (string?)a.GetTagItem("backgroundtasks.job.id") == id.ToString());
        }

        Assert.That(activity.OperationName, Is.EqualTo("backgroundtasks.job"));
        Assert.That(activity.GetTagItem("backgroundtasks.job.name"), Is.EqualTo("import"));
        Assert.That(activity.GetTagItem("backgroundtasks.queue"), Is.EqualTo("default"));
        Assert.That(activity.Status, Is.EqualTo(ActivityStatusCode.Error));
        Assert.That(activity.StatusDescription, Is.EqualTo("bad input file"));
    }

    [Test]
    public async Task Logs_FailedJobIsLoggedAsWarningWithItsException(CancellationToken ct)
    {
        var logs = new FakeLogCollector();
        await using var host = await JobsHost.StartAsync(services: s => s.AddLogging(b => b.AddProvider(new FakeLoggerProvider(logs))));

        var id = await host.Queue.EnqueueAsync(_ => throw new InvalidOperationException("disk full"), cancellationToken: ct);
        await host.Monitor.WaitAsync(id, ct);

        var record = logs.GetSnapshot().Single(r => r.Id.Id == 3);
        Assert.That(record.Level, Is.EqualTo(LogLevel.Warning));
        Assert.That(record.Message, Does.Contain(id.ToString()).And.Contain("attempt 1 of 1"));
        Assert.That(record.Exception, Is.InstanceOf<InvalidOperationException>());
    }
}
