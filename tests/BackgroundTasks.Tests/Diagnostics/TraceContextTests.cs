using System.Collections.Concurrent;
using System.Diagnostics;
using BackgroundTasks.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BackgroundTasks.Tests.Diagnostics;

/// <summary>
/// The enqueuing code's trace context travels with the job, so a request and the background work it started
/// are one trace: each attempt's <c>backgroundtasks.job</c> activity is a child of the activity that enqueued
/// it, in memory, through a custom store, and through a SQLite file to another host.
/// </summary>
[CancelAfter(30_000)]
[NonParallelizable]
public sealed class TraceContextTests : IDisposable
{
    private static readonly ActivitySource s_app = new("BackgroundTasks.Tests.App");

    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public TraceContextTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "BackgroundTasks" or "BackgroundTasks.Tests.App",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    [TestCase(false, TestName = "EnqueueAsync_InsideARequest_EveryAttemptIsAChildOfTheEnqueueActivity_InMemoryStore")]
    [TestCase(true, TestName = "EnqueueAsync_InsideARequest_EveryAttemptIsAChildOfTheEnqueueActivity_CustomStore")]
    public async Task EnqueueAsync_InsideARequest_EveryAttemptIsAChildOfTheEnqueueActivity(bool customStore, CancellationToken ct)
    {
        var backoff = new RetryBackoff { InitialDelay = TimeSpan.Zero, Jitter = 0 };
        await using var memory = customStore ? null : await DefaultStoreHost.StartAsync(o => o.Queues["default"].Backoff = backoff, time: TimeProvider.System);
        await using var custom = customStore ? await JobsHost.StartAsync(o => o.Queues["default"].Backoff = backoff) : null;
        var queue = memory?.Queue ?? custom!.Queue;
        var monitor = memory?.Monitor ?? custom!.Monitor;

        Activity request;
        Activity enqueue;
        JobId id;
        using (request = s_app.StartActivity("GET /orders", ActivityKind.Server)!)
        {
            request.TraceStateString = "shop=checkout";
            using (enqueue = s_app.StartActivity("enqueue invoice")!)
            {
                id = await queue.EnqueueAsync(ctx => ctx.Attempt == 1 ? throw new IOException("first attempt fails") : Task.CompletedTask, new JobOptions { MaxAttempts = 2 }, ct);
            }
        }

        var record = await monitor.WaitAsync(id, ct);
        var attempts = AttemptsOf(id);

        Assert.That(record.Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That(record.TraceParent, Is.EqualTo(enqueue.Id), "The record keeps the enqueue activity's W3C id.");
        Assert.That(record.TraceState, Is.EqualTo("shop=checkout"));
        Assert.That(attempts, Has.Count.EqualTo(2), "One activity per attempt.");
        Assert.That(attempts.Select(a => a.TraceId), Is.All.EqualTo(request.TraceId), "The job's attempts are in the request's trace.");
        Assert.That(attempts.Select(a => a.ParentSpanId), Is.All.EqualTo(enqueue.SpanId), "Each attempt's parent is the activity that enqueued the job.");
        Assert.That(attempts.Select(a => a.TraceStateString), Is.All.EqualTo("shop=checkout"));
    }

    [Test]
    public async Task EnqueueAsync_NoCurrentActivity_RecordHasNoTraceAndTheJobActivityStartsItsOwnTrace(CancellationToken ct)
    {
        await using var host = await DefaultStoreHost.StartAsync(time: TimeProvider.System);
        Assert.That(Activity.Current, Is.Null);

        var id = await host.Queue.EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct);
        var record = await host.Monitor.WaitAsync(id, ct);

        Assert.That((record.TraceParent, record.TraceState), Is.EqualTo(((string?)null, (string?)null)));
        var activity = AttemptsOf(id).Single();
        Assert.That(activity.ParentSpanId, Is.EqualTo(default(ActivitySpanId)), "A root activity.");
        Assert.That(activity.HasRemoteParent, Is.False);
    }

    [Test]
    public async Task EnqueueAsync_FromInsideAJob_TheChildJobIsAChildOfTheParentJobsActivity(CancellationToken ct)
    {
        await using var host = await DefaultStoreHost.StartAsync(time: TimeProvider.System);
        var child = new TaskCompletionSource<JobId>(TaskCreationOptions.RunContinuationsAsynchronously);

        Activity request;
        JobId parent;
        using (request = s_app.StartActivity("POST /imports")!)
        {
            parent = await host.Queue.EnqueueAsync(async ctx => child.SetResult(await host.Queue.EnqueueAsync(_ => Task.CompletedTask, new JobOptions { ParentId = ctx.Id })), cancellationToken: ct);
        }

        var childId = await child.Task.WaitAsync(ct);
        await host.Monitor.WaitAsync(parent, ct);
        await host.Monitor.WaitAsync(childId, ct);

        var parentActivity = AttemptsOf(parent).Single();
        var childActivity = AttemptsOf(childId).Single();
        Assert.That(parentActivity.ParentSpanId, Is.EqualTo(request.SpanId));
        Assert.That(childActivity.TraceId, Is.EqualTo(request.TraceId));
        Assert.That(childActivity.ParentSpanId, Is.EqualTo(parentActivity.SpanId), "The job that enqueued the child is its parent.");
    }

    [Test]
    public async Task EnqueueAsync_TypedJobOnSqlite_ClaimedFromTheFileByASecondHost_ContinuesTheEnqueuersTrace(CancellationToken ct)
    {
        using var file = new TemporaryFile("jobs.db");
        Activity enqueue;
        JobId id;

        // The first host only enqueues (it never starts, so it claims nothing): the job waits in the file.
        using (var producer = SqliteHost(file.Path, "web"))
        {
            using (enqueue = s_app.StartActivity("POST /invoices")!)
            {
                enqueue.TraceStateString = "shop=invoices";
                id = await producer.Services.GetRequiredService<IJobQueue>().EnqueueAsync<InvoiceJob, InvoiceArgs>(new InvoiceArgs(42), cancellationToken: ct);
            }
        }

        using var worker = SqliteHost(file.Path, "worker");
        await worker.StartAsync(ct);
        var record = await worker.Services.GetRequiredService<IJobMonitor>().WaitAsync(id, ct);
        await worker.StopAsync(ct);

        Assert.That(record.Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That((record.TraceParent, record.TraceState), Is.EqualTo((enqueue.Id, "shop=invoices")), "The row keeps the trace context.");
        var activity = AttemptsOf(id).Single();
        Assert.That(activity.TraceId, Is.EqualTo(enqueue.TraceId), "The second host's attempt is in the enqueuer's trace.");
        Assert.That(activity.ParentSpanId, Is.EqualTo(enqueue.SpanId));
        Assert.That(activity.TraceStateString, Is.EqualTo("shop=invoices"));
        Assert.That(activity.HasRemoteParent, Is.True, "The parent came from the store, not from this process's activities.");
    }

    [Test]
    public async Task EnqueueAsync_NoCurrentActivity_CapturesWithoutAllocating()
    {
        await using var host = DefaultStoreHost.Create(time: TimeProvider.System);
        var engine = host.Engine;
        var defaults = engine.Queues.Single().Defaults;
        Assert.That(Activity.Current, Is.Null);

        Assert.That(engine.TryEnqueue(_ => Task.CompletedTask, out var plain), Is.True);
        Assert.That(engine.TryGetAlive(plain, out var plainJob), Is.True);
        Assert.That(plainJob!.Settings, Is.SameAs(defaults), "Without an activity the job shares its queue's settings: no object per job.");

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            _ = JobActivities.Enqueuing();
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero, "Looking for the current activity allocates nothing.");

        using (s_app.StartActivity("request"))
        {
            Assert.That(engine.TryEnqueue(_ => Task.CompletedTask, out var traced), Is.True);
            Assert.That(engine.TryGetAlive(traced, out var tracedJob), Is.True);
            Assert.That(tracedJob!.Settings, Is.Not.SameAs(defaults), "With an activity the job carries its trace context.");
            Assert.That(tracedJob.Settings.TraceParent, Is.EqualTo(Activity.Current!.Id));
        }
    }

    private static IHost SqliteHost(string path, string hostName)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddBackgroundJobs(o =>
            {
                o.HostName = hostName;
                o.PollInterval = TimeSpan.FromMilliseconds(50);
            })
            .AddJob<InvoiceJob, InvoiceArgs>("invoice")
            .UseSqlite(path, o => o.RetentionInterval = Timeout.InfiniteTimeSpan);
        return builder.Build();
    }

    private List<Activity> AttemptsOf(JobId id)
        => [.. _stopped.Where(a => a.OperationName == "backgroundtasks.job" && (string?)a.GetTagItem("backgroundtasks.job.id") == id.ToString())];

    public sealed record InvoiceArgs(int Number);

    public sealed class InvoiceJob : IJob<InvoiceArgs>
    {
        public Task RunAsync(InvoiceArgs args, JobContext context) => Task.CompletedTask;
    }
}
