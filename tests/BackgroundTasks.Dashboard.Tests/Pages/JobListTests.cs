using System.Net;

namespace BackgroundTasks.Dashboard.Tests.Pages;

[CancelAfter(30_000)]
public sealed class JobListTests
{
    [Test]
    public async Task List_MorePagesThanOne_PagesNewestFirst(CancellationToken ct)
    {
        await using var app = await DashboardApp.StartAsync(o => o.Dashboard = d => d.PageSize = 20);
        var ids = new List<JobId>();
        for (var i = 0; i < 45; i++)
        {
            ids.Add(await app.Queue.EnqueueAsync(_ => Task.CompletedTask, new JobOptions { Name = i % 2 == 0 ? "even" : "odd" }, ct));
        }

        foreach (var id in ids)
        {
            await app.Monitor.WaitAsync(id, ct);
        }

        using var client = app.CreateClient();
        var session = new PageSession(client);
        var pages = new List<string>();
        for (var page = 1; page <= 3; page++)
        {
            pages.Add(await session.GetPageAsync($"/jobs/list?status=Succeeded&page={page}"));
        }

        var newestFirst = ids.AsEnumerable().Reverse().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(PageText.JobIds(pages[0]), Is.EqualTo(newestFirst.Take(20)));
            Assert.That(PageText.JobIds(pages[1]), Is.EqualTo(newestFirst.Skip(20).Take(20)));
            Assert.That(PageText.JobIds(pages[2]), Is.EqualTo(newestFirst.Skip(40)));
            Assert.That(pages[0], Does.Contain("Page 1 of 3").And.Contain("href=\"/jobs/list?status=Succeeded&amp;page=2\" data-page=\"older\""));
            Assert.That(pages[2], Does.Contain("Page 3 of 3").And.Contain("<span class=\"disabled\">Older →</span>"));
        });
    }

    [Test]
    public async Task List_FilterByNameAndQueue_ShowsOnlyMatches(CancellationToken ct)
    {
        await using var app = await DashboardApp.StartAsync(o => o.Jobs = jobs => jobs.AddQueue("mail"));
        var mailWelcome = await app.Queue.EnqueueAsync(_ => Task.CompletedTask, new JobOptions { Name = "welcome", Queue = "mail" }, ct);
        var defaultWelcome = await app.Queue.EnqueueAsync(_ => Task.CompletedTask, new JobOptions { Name = "welcome" }, ct);
        var mailOther = await app.Queue.EnqueueAsync(_ => Task.CompletedTask, new JobOptions { Name = "digest", Queue = "mail" }, ct);
        foreach (var id in new[] { mailWelcome, defaultWelcome, mailOther })
        {
            await app.Monitor.WaitAsync(id, ct);
        }

        using var client = app.CreateClient();
        var session = new PageSession(client);

        var byName = PageText.JobIds(await session.GetPageAsync("/jobs/list?name=welcome"));
        var byQueueAndName = PageText.JobIds(await session.GetPageAsync("/jobs/list?queue=mail&name=+welcome+"));
        var byQueue = await session.GetPageAsync("/jobs/list?queue=mail");

        Assert.That(byName, Is.EqualTo(new[] { defaultWelcome, mailWelcome }));
        Assert.That(byQueueAndName, Is.EqualTo(new[] { mailWelcome }));
        Assert.That(PageText.JobIds(byQueue), Is.EqualTo(new[] { mailOther, mailWelcome }));
        Assert.That(byQueue, Does.Contain("<option selected>mail</option>"));
    }

    [Test]
    public async Task List_ChildrenOfAJob_ListsThemAndTheJobPageLinksBothWays(CancellationToken ct)
    {
        await using var app = await DashboardApp.StartAsync();
        var parent = await app.Queue.EnqueueAsync(_ => Task.CompletedTask, new JobOptions { Name = "parent" }, ct);
        var children = new List<JobId>();
        for (var i = 0; i < 3; i++)
        {
            children.Add(await app.Queue.EnqueueAsync(_ => Task.CompletedTask, new JobOptions { Name = "child", ParentId = parent }, ct));
        }

        foreach (var id in children.Append(parent))
        {
            await app.Monitor.WaitAsync(id, ct);
        }

        using var client = app.CreateClient();
        var session = new PageSession(client);

        var list = PageText.JobIds(await session.GetPageAsync($"/jobs/list?parent={parent}"));
        var parentPage = await session.GetPageAsync($"/jobs/job/{parent}");
        var childPage = await session.GetPageAsync($"/jobs/job/{children[0]}");

        Assert.That(list, Is.EqualTo(children.AsEnumerable().Reverse()));
        Assert.That(PageText.JobIds(parentPage), Is.EqualTo(children.AsEnumerable().Reverse()), "the children table");
        Assert.That(childPage, Does.Contain($"Started by job <a class=\"id\" href=\"/jobs/job/{parent}\""));
    }

    [TestCase("status=Sleeping")]
    [TestCase("status=4")]
    [TestCase("parent=not-an-id")]
    public async Task List_BadQuery_Returns400(string query)
    {
        await using var app = await DashboardApp.StartAsync();
        using var client = app.CreateClient();

        await new PageSession(client).GetPageAsync($"/jobs/list?{query}", HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task Waiting_ScheduledAndRetrying_SoonestDueFirst(CancellationToken ct)
    {
        await using var app = await DashboardApp.StartAsync();
        var later = await app.Queue.EnqueueAsync(_ => Task.CompletedTask, new JobOptions { Delay = TimeSpan.FromHours(2) }, ct);
        var sooner = await app.Queue.EnqueueAsync(_ => Task.CompletedTask, new JobOptions { Delay = TimeSpan.FromHours(1) }, ct);
        var retrying = await app.Queue.EnqueueAsync(
            _ => throw new InvalidOperationException("try again"),
            new JobOptions { MaxAttempts = 2, Backoff = new RetryBackoff { InitialDelay = TimeSpan.FromMinutes(90), MaxDelay = TimeSpan.FromMinutes(90), Jitter = 0 } },
            ct);
        await Wait.ForStatusAsync(app.Monitor, retrying, JobStatus.Retrying, ct);
        using var client = app.CreateClient();

        var html = await new PageSession(client).GetPageAsync("/jobs/waiting");

        Assert.That(PageText.JobIds(html), Is.EqualTo(new[] { sooner, retrying, later }));
        Assert.That(html, Does.Contain("in 1 h 29 min").Or.Contain("in 1 h 30 min"));
        Assert.That(html, Does.Contain("try again"), "the retrying job's last error");
    }
}
