namespace BackgroundTasks.Dashboard.Tests.Pages;

/// <summary>Every value a job carries is shown escaped: names, queues, errors, stack traces, results, arguments, progress messages.</summary>
[CancelAfter(30_000)]
public sealed class EscapingTests
{
    private const string Name = "<script>alert(1)</script>";
    private const string Queue = "<q onclick=\"alert(6)\">&'";
    private const string ErrorText = "<img src=x onerror=alert(2)>";
    private const string Result = "</pre><script>alert(3)</script>";
    private const string Note = "</pre><script>alert(4)</script>";
    private const string Message = "<svg onload=alert(5)>";

    [Test]
    public async Task Pages_JobWithMarkupEverywhere_ShowItEscaped(CancellationToken ct)
    {
        await using var app = await DashboardApp.StartAsync(o => o.Jobs = jobs => jobs.AddQueue(Queue));
        var failed = await app.Queue.EnqueueAsync(_ => throw new InvalidOperationException(ErrorText), new JobOptions { Name = Name, Queue = Queue }, ct);
        var succeeded = await app.Queue.EnqueueAsync(ctx =>
        {
            ctx.ReportProgress(50, Message);
            return Task.FromResult(Result);
        }, new JobOptions { Name = Name, ParentId = failed }, ct);
        app.Signals.SetFailing("evil", true);
        var typed = await app.Queue.EnqueueAsync<FlakyJob, FlakyArgs>(new FlakyArgs("evil", Note), cancellationToken: ct);
        var scheduled = await app.Queue.EnqueueAsync(_ => Task.CompletedTask, new JobOptions { Name = Name, Queue = Queue, Delay = TimeSpan.FromHours(1) }, ct);
        foreach (var id in new[] { failed, succeeded, typed })
        {
            await app.Monitor.WaitAsync(id, ct);
        }

        using var client = app.CreateClient();
        var session = new PageSession(client);
        var escapedQueue = Uri.EscapeDataString(Queue);
        var pages = new[]
        {
            "/jobs", "/jobs/list", "/jobs/list?status=Failed", $"/jobs/list?queue={escapedQueue}", $"/jobs/list?name={Uri.EscapeDataString(Name)}",
            $"/jobs/waiting?queue={escapedQueue}", $"/jobs/job/{failed}", $"/jobs/job/{succeeded}", $"/jobs/job/{typed}", $"/jobs/job/{scheduled}",
        };
        foreach (var path in pages)
        {
            var html = await session.GetPageAsync(path);
            Assert.Multiple(() =>
            {
                Assert.That(html, Does.Not.Contain("<script>alert").And.Not.Contain("<img src=x").And.Not.Contain("<svg onload").And.Not.Contain("<q onclick"), path);
                Assert.That(html, Does.Not.Contain("</pre><script>"), path);
            });
        }

        var failedPage = await session.GetPageAsync($"/jobs/job/{failed}");
        var succeededPage = await session.GetPageAsync($"/jobs/job/{succeeded}");
        var typedPage = await session.GetPageAsync($"/jobs/job/{typed}");
        Assert.Multiple(() =>
        {
            Assert.That(failedPage, Does.Contain("&lt;script&gt;alert(1)&lt;/script&gt;"), "the name, escaped");
            Assert.That(failedPage, Does.Contain("&lt;img src=x onerror=alert(2)&gt;"), "the error message and stack trace, escaped");
            Assert.That(failedPage, Does.Contain("&lt;q onclick=&quot;alert(6)&quot;&gt;&amp;&#x27;"), "the queue, escaped");
            Assert.That(succeededPage, Does.Contain("&lt;/pre&gt;&lt;script&gt;alert(3)&lt;/script&gt;"), "the result, escaped");
            Assert.That(succeededPage, Does.Contain("&lt;svg onload=alert(5)&gt;"), "the progress message, escaped");
            Assert.That(typedPage, Does.Contain("&lt;/pre&gt;&lt;script&gt;alert(4)&lt;/script&gt;"), "the arguments, escaped");
        });
    }

    [Test]
    public async Task List_BadStatusWithMarkup_Returns400AndEchoesItEscaped()
    {
        await using var app = await DashboardApp.StartAsync();
        using var client = app.CreateClient();

        var html = await new PageSession(client).GetPageAsync($"/jobs/list?status={Uri.EscapeDataString(Name)}", System.Net.HttpStatusCode.BadRequest);

        Assert.That(html, Does.Not.Contain("<script>alert"));
        Assert.That(html, Does.Contain("&lt;script&gt;alert(1)&lt;/script&gt;").And.Contain("is not a job status"));
    }

    [Test]
    public async Task Events_ProgressMessageWithMarkup_IsJsonEscaped(CancellationToken ct)
    {
        await using var app = await DashboardApp.StartAsync();
        var id = await app.Queue.EnqueueAsync(ctx =>
        {
            ctx.ReportProgress(10, Message);
            return Task.CompletedTask;
        }, cancellationToken: ct);
        await app.Monitor.WaitAsync(id, ct);
        using var client = app.CreateClient();

        var events = await client.GetStringAsync($"/jobs/job/{id}/events", ct);

        Assert.That(events, Does.Not.Contain("<svg"));
        Assert.That(events, Does.Contain("\\u003Csvg onload=alert(5)\\u003E"));
    }
}
