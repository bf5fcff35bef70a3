namespace BackgroundTasks.Tests.Jobs;

[CancelAfter(20_000)]
public sealed class JobContextProgressTests
{
    [Test]
    public async Task ReportProgress_ManyReports_CoalescedToFewWritesAndLatestWins(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync(o => o.ProgressInterval = TimeSpan.FromSeconds(1));

        var id = await host.Queue.EnqueueAsync(ctx =>
        {
            for (var i = 1; i <= 1_000_000; i++)
            {
                ctx.ReportItems(i, 1_000_000, "scoring");
            }

            return Task.CompletedTask;
        }, cancellationToken: ct);
        var record = await host.Monitor.WaitAsync(id, ct);

        Assert.That(host.Store.ProgressWrites, Is.InRange(1, 3), "A million reports within one interval cost a handful of writes.");
        Assert.That(record.Progress, Is.EqualTo(new JobProgress(100, "scoring", 1_000_000, 1_000_000)), "The last report is flushed before the terminal status.");
    }

    [Test]
    public async Task ReportProgress_AfterInterval_WritesAgain(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync(o => o.ProgressInterval = TimeSpan.FromSeconds(1));
        var step = new TaskCompletionSource();
        var reported = new TaskCompletionSource();
        var id = await host.Queue.EnqueueAsync(async ctx =>
        {
            ctx.ReportProgress(10, "first");
            ctx.ReportProgress(20, "second");
            reported.SetResult();
            await step.Task;
        }, cancellationToken: ct);
        await reported.Task.WaitAsync(ct);
        await host.Store.WaitForAsync(id, r => r.Progress.Percent == 10, "the first report to be written", ct);

        await host.Time.WaitForTimerAsync(TimeSpan.FromSeconds(1), ct);
        host.Time.Advance(TimeSpan.FromSeconds(1));
        var record = await host.Store.WaitForAsync(id, r => r.Progress.Percent == 20, "the coalesced report to be written when the interval ends", ct);
        Assert.That(record.Progress.Message, Is.EqualTo("second"));
        Assert.That(record.Status, Is.EqualTo(JobStatus.Running));
        step.SetResult();
        await host.Monitor.WaitAsync(id, ct);
    }

    [TestCase(-1)]
    [TestCase(100.5)]
    [TestCase(double.NaN)]
    public async Task ReportProgress_OutOfRange_Throws(double percent)
    {
        await using var host = await JobsHost.StartAsync();
        var thrown = new TaskCompletionSource<Exception?>();

        var id = await host.Queue.EnqueueAsync(ctx =>
        {
            try
            {
                ctx.ReportProgress(percent);
                thrown.SetResult(null);
            }
            catch (Exception ex)
            {
                thrown.SetResult(ex);
            }

            return Task.CompletedTask;
        });

        Assert.That(await thrown.Task, Is.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("percent"));
        await host.Monitor.WaitAsync(id);
    }

    [Test]
    public async Task ReportItems_DoneAboveTotal_Throws()
    {
        await using var host = await JobsHost.StartAsync();
        var thrown = new TaskCompletionSource<Exception?>();

        var id = await host.Queue.EnqueueAsync(ctx =>
        {
            try
            {
                ctx.ReportItems(11, 10);
                thrown.SetResult(null);
            }
            catch (Exception ex)
            {
                thrown.SetResult(ex);
            }

            return Task.CompletedTask;
        });

        Assert.That(await thrown.Task, Is.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("itemsTotal"));
        await host.Monitor.WaitAsync(id);
    }
}
