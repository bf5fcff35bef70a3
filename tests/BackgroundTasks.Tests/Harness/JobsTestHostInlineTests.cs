using BackgroundTasks.Recurring;
using BackgroundTasks.Testing;
using Microsoft.Extensions.DependencyInjection;
using static BackgroundTasks.Tests.Harness.HarnessJobs;

namespace BackgroundTasks.Tests.Harness;

[CancelAfter(30_000)]
public sealed class JobsTestHostInlineTests
{
    private static readonly JobsTestHostOptions s_inline = new() { RunInline = true };

    [Test]
    public async Task EnqueueAsync_RunInline_ReturnsAfterTheJobAndWhatItEnqueuedRan(CancellationToken ct)
    {
        var mailer = new RecordingMailer();
        await using var host = await JobsTestHost.StartAsync(services =>
        {
            services.AddSingleton<IMailer>(mailer);
            services.AddSingleton<Billing>();
            services.AddBackgroundJobs().AddQueue("mail").AddJob<SendInvoice, InvoiceArgs>("send-invoice").AddJob<InvoiceWithCopy, InvoiceArgs>("invoice-with-copy");
        }, s_inline, ct);

        var id = await host.Services.GetRequiredService<Billing>().CloseMonthAsync(42, "ada@example.com");
        Assert.That(mailer.Sent, Is.EqualTo(new[] { ("ada@example.com", "Invoice 42") }), "The application's enqueue returned after the job ran.");
        Assert.That((await host.Monitor.GetAsync(id, ct))!.Status, Is.EqualTo(JobStatus.Succeeded));

        // A job that enqueues another and waits for that enqueue does not wait for itself; the outer enqueue waits for both.
        var withCopy = await host.Queue.EnqueueAsync<InvoiceWithCopy, InvoiceArgs>(new InvoiceArgs(43, "bob@example.com"), cancellationToken: ct);
        Assert.That(mailer.Sent, Is.EqualTo(new[] { ("ada@example.com", "Invoice 42"), ("bob@example.com", "Invoice 43"), ("copy@example.com", "Invoice 43") }));
        Assert.That(host.Enqueued.Select(j => j.Name), Is.EqualTo(new[] { "send-invoice", "invoice-with-copy", "send-invoice" }));
        foreach (var job in host.Enqueued)
        {
            Assert.That((await host.Monitor.GetAsync(job.Id, ct))!.Status, Is.EqualTo(JobStatus.Succeeded), $"{job}");
        }

        Assert.That(host.Enqueued[1].Id, Is.EqualTo(withCopy));
    }

    [Test]
    public async Task EnqueueAsync_RunInlineJobStillRunning_DoesNotReturnUntilItEnds(CancellationToken ct)
    {
        await using var host = await JobsTestHost.StartAsync(_ => { }, s_inline, ct);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var enqueue = host.Queue.EnqueueAsync(async _ =>
        {
            started.SetResult();
            await release.Task;
        }, cancellationToken: ct).AsTask();
        await started.Task.WaitAsync(ct);

        Assert.That(enqueue.IsCompleted, Is.False, "The enqueue waits while its job runs.");
        release.SetResult();
        var id = await enqueue;
        Assert.That((await host.Monitor.GetAsync(id, ct))!.Status, Is.EqualTo(JobStatus.Succeeded));
    }

    [Test]
    public async Task EnqueueAsync_NotInline_ReturnsWhileTheJobRuns(CancellationToken ct)
    {
        await using var host = await JobsTestHost.StartAsync(_ => { }, cancellationToken: ct);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var id = await host.Queue.EnqueueAsync(_ => release.Task, cancellationToken: ct);

        Assert.That((await host.Monitor.GetAsync(id, ct))!.Status, Is.AnyOf(JobStatus.Queued, JobStatus.Running));
        release.SetResult();
        await host.RunUntilIdleAsync(ct);
        Assert.That((await host.Monitor.GetAsync(id, ct))!.Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That(new JobsTestHostOptions().RunInline, Is.False);
    }

    [Test]
    public async Task EnqueueAsync_RunInlineDelayedJob_ReturnsAndRunsOnlyWhenTheClockGetsThere(CancellationToken ct)
    {
        await using var host = await JobsTestHost.StartAsync(_ => { }, s_inline, ct);
        var runs = 0;

        var id = await host.Queue.EnqueueAsync(_ =>
        {
            Interlocked.Increment(ref runs);
            return Task.CompletedTask;
        }, new JobOptions { Delay = TimeSpan.FromMinutes(5) }, ct);

        Assert.That(runs, Is.Zero);
        Assert.That((await host.Monitor.GetAsync(id, ct))!.Status, Is.EqualTo(JobStatus.Scheduled));
        await host.AdvanceAsync(TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1), ct);
        Assert.That(runs, Is.Zero);
        await host.AdvanceAsync(TimeSpan.FromTicks(1), ct);
        Assert.That(runs, Is.EqualTo(1));
    }

    [Test]
    public async Task EnqueueManyAsync_RunInline_ReturnsAfterEveryJobRan(CancellationToken ct)
    {
        await using var host = await JobsTestHost.StartAsync(services => services.AddBackgroundJobs().AddJob<DoubleJob, int, int>("double"), s_inline, ct);

        var ids = await host.Queue.EnqueueManyAsync<DoubleJob, int>([1, 2, 3], cancellationToken: ct);

        var results = new List<object?>();
        foreach (var id in ids)
        {
            results.Add((await host.Monitor.GetAsync(id, ct))!.Result);
        }

        Assert.That(results, Is.EqualTo(new object[] { 2, 4, 6 }));
    }

    [Test]
    public async Task AdvanceAsync_RunInlineWithARecurringJob_EachOccurrenceRunsAtItsHour(CancellationToken ct)
    {
        // The scheduler's own enqueue waits for its occurrence to run, then the scheduler sets its next timer.
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var log = new AttemptLog();
        await using var host = await JobsTestHost.StartAsync(
            services =>
            {
                services.AddSingleton(log);
                services.AddBackgroundJobs().AddJob<FlakyJob, FlakyArgs>("flaky").AddRecurringJob<FlakyJob, FlakyArgs>("hourly", "0 * * * *", new FlakyArgs(1));
            },
            new JobsTestHostOptions { StartTime = start, RunInline = true },
            ct);

        await host.AdvanceAsync(TimeSpan.FromHours(3), ct);

        Assert.That(log.Runs, Is.EqualTo(new[] { (1, start.AddHours(1)), (1, start.AddHours(2)), (1, start.AddHours(3)) }));
    }

    /// <summary>Sends an invoice, then enqueues a copy to the accounts and waits for that enqueue.</summary>
    public sealed class InvoiceWithCopy(IMailer mailer, IJobQueue jobs) : IJob<InvoiceArgs>
    {
        public async Task RunAsync(InvoiceArgs args, JobContext context)
        {
            await mailer.SendAsync(args.Email, $"Invoice {args.InvoiceId}", context.CancellationToken);
            await jobs.EnqueueAsync<SendInvoice, InvoiceArgs>(args with { Email = "copy@example.com" }, cancellationToken: context.CancellationToken);
        }
    }
}
