namespace BackgroundTasks.Dashboard.Tests.Pages;

[CancelAfter(30_000)]
public sealed class OverviewTests
{
    [TestCase(StoreKind.InMemory)]
    [TestCase(StoreKind.Sqlite)]
    public async Task Overview_MixOfJobs_CountsMatchTheStore(StoreKind store, CancellationToken ct)
    {
        await using var app = await DashboardApp.StartAsync(o =>
        {
            o.Store = store;
            o.Workers = 1;
            o.Jobs = jobs => jobs.AddQueue("mail", q => q.Workers = 3);
        });
        var running = await app.EnqueueStepsAsync("hold", steps: 1);
        await Wait.ForStatusAsync(app.Monitor, running, JobStatus.Running, ct);
        var queued = await app.EnqueueStepsAsync("hold", steps: 1);
        var finished = new List<JobId>();
        for (var i = 0; i < 4; i++)
        {
            finished.Add(await app.Queue.EnqueueAsync(_ => Task.CompletedTask, new JobOptions { Queue = "mail" }, ct));
        }

        finished.Add(await app.Queue.EnqueueAsync(_ => throw new InvalidOperationException("no"), new JobOptions { Queue = "mail" }, ct));
        var scheduled = await app.Queue.EnqueueAsync(_ => Task.CompletedTask, new JobOptions { Queue = "mail", Delay = TimeSpan.FromHours(1) }, ct);
        var cancelled = await app.Queue.EnqueueAsync(_ => Task.CompletedTask, new JobOptions { Queue = "mail", Delay = TimeSpan.FromHours(1) }, ct);
        await app.Monitor.CancelAsync(cancelled, ct);
        foreach (var id in finished)
        {
            await app.Monitor.WaitAsync(id, ct);
        }

        using var client = app.CreateClient();
        var html = await new PageSession(client).GetPageAsync("/jobs");
        var counts = await app.Store.CountAsync(ct);

        int Store(string? queue, JobStatus status) => counts.Where(c => (queue is null || c.Key.Queue == queue) && c.Key.Status == status).Sum(c => c.Value);
        Assert.Multiple(() =>
        {
            Assert.That(PageText.Card(html, "Queued"), Is.EqualTo(Store(null, JobStatus.Queued)).And.EqualTo(1));
            Assert.That(PageText.Card(html, "Running"), Is.EqualTo(Store(null, JobStatus.Running)).And.EqualTo(1));
            Assert.That(PageText.Card(html, "Waiting"), Is.EqualTo(Store(null, JobStatus.Scheduled) + Store(null, JobStatus.Retrying)).And.EqualTo(1));
            Assert.That(PageText.Card(html, "Succeeded"), Is.EqualTo(Store(null, JobStatus.Succeeded)).And.EqualTo(4));
            Assert.That(PageText.Card(html, "Failed"), Is.EqualTo(Store(null, JobStatus.Failed)).And.EqualTo(1));
            Assert.That(PageText.Card(html, "Cancelled"), Is.EqualTo(Store(null, JobStatus.Cancelled)).And.EqualTo(1));
            foreach (var queue in new[] { "default", "mail" })
            {
                foreach (var status in Enum.GetValues<JobStatus>())
                {
                    Assert.That(PageText.QueueCount(html, queue, status.ToString()), Is.EqualTo(Store(queue, status)), $"{queue} {status}");
                }
            }

            Assert.That(PageText.NavCount(html, "all"), Is.EqualTo(counts.Values.Sum()));
            Assert.That(html, Does.Contain("busy workers, of 4 here"), "1 default worker and 3 mail workers");
            Assert.That(html, Does.Contain("Recurring schedules").And.Contain("Recurring jobs are not configured in this application"));
        });
        app.Signals.Release("hold", 2);
        await app.Monitor.WaitAsync(queued, ct);
    }

    [Test]
    public async Task Overview_JobsFinishedThisMinute_ShowInThroughput(CancellationToken ct)
    {
        await using var app = await DashboardApp.StartAsync();
        for (var i = 0; i < 3; i++)
        {
            await app.Monitor.WaitAsync(await app.Queue.EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct), ct);
        }

        await app.Monitor.WaitAsync(await app.Queue.EnqueueAsync(_ => throw new InvalidOperationException(), cancellationToken: ct), ct);
        using var client = app.CreateClient();

        var html = await new PageSession(client).GetPageAsync("/jobs");

        var row = System.Text.RegularExpressions.Regex.Match(html, "<tr data-minutes=\"60\">(.*?)</tr>").Groups[1].Value;
        Assert.That(row, Does.Contain("<td class=\"num\">4</td><td class=\"num\">3</td><td class=\"num failed\">1</td>"), "enqueued 4, succeeded 3, failed 1");
        Assert.That(html, Does.Contain("<svg class=\"chart\""));
    }
}
