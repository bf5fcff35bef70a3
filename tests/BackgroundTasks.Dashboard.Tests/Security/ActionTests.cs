using System.Net;

namespace BackgroundTasks.Dashboard.Tests.Security;

/// <summary>Cancel, retry and delete: each a POST from the dashboard's own page, refused from anywhere else and in read-only mode.</summary>
[CancelAfter(30_000)]
public sealed class ActionTests
{
    [Test]
    public async Task Cancel_FromTheJobPage_Returns303AndTheJobEndsCancelled(CancellationToken ct)
    {
        await using var app = await DashboardApp.StartAsync();
        var id = await app.EnqueueStepsAsync("cancel-me", steps: 3);
        await Wait.ForStatusAsync(app.Monitor, id, JobStatus.Running, ct);
        using var client = app.CreateClient();
        var session = new PageSession(client);
        await session.GetPageAsync($"/jobs/job/{id}");

        using var response = await session.PostAsync($"/jobs/job/{id}/cancel");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        Assert.That(response.Headers.Location?.ToString(), Is.EqualTo($"/jobs/job/{id}?done=cancel-requested"));
        var final = await app.Monitor.WaitAsync(id, ct);
        Assert.That(final.Status, Is.EqualTo(JobStatus.Cancelled));
        Assert.That(await session.GetPageAsync(response.Headers.Location!.ToString()), Does.Contain("Cancellation requested"));
    }

    [Test]
    public async Task Post_WithoutAntiforgeryToken_Returns400AndChangesNothing(CancellationToken ct)
    {
        await using var app = await DashboardApp.StartAsync();
        var id = await app.EnqueueStepsAsync("no-token", steps: 1);
        using var client = app.CreateClient();

        using var response = await new PageSession(client).PostAsync($"/jobs/job/{id}/cancel", withToken: false);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(ct), Does.Contain("antiforgery token"));
        app.Signals.Release("no-token");
        Assert.That((await app.Monitor.WaitAsync(id, ct)).Status, Is.EqualTo(JobStatus.Succeeded));
    }

    [TestCase("https://evil.example", null)]
    [TestCase("null", null)]
    [TestCase("http://localhost:81", null)]
    [TestCase(null, "cross-site")]
    [TestCase(null, "same-site")]
    public async Task Post_FromAnotherOrigin_Returns403EvenWithAValidToken(string? origin, string? fetchSite)
    {
        await using var app = await DashboardApp.StartAsync();
        var id = await app.EnqueueStepsAsync("cross", steps: 1);
        using var client = app.CreateClient();
        var session = new PageSession(client);
        await session.GetPageAsync($"/jobs/job/{id}");

        using var response = await session.PostAsync($"/jobs/job/{id}/cancel", origin: origin, fetchSite: fetchSite);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("another site"));
        Assert.That((await app.Monitor.GetAsync(id))!.Status, Is.Not.EqualTo(JobStatus.Cancelled));
        app.Signals.Release("cross");
    }

    [Test]
    public async Task Post_TokenOfAnotherSession_Returns400()
    {
        await using var app = await DashboardApp.StartAsync();
        var id = await app.EnqueueStepsAsync("stolen", steps: 1);
        using var client = app.CreateClient();
        var victim = new PageSession(client);
        await victim.GetPageAsync($"/jobs/job/{id}");
        var attacker = new PageSession(client);
        await attacker.GetPageAsync($"/jobs/job/{id}");

        // The attacker's cookie with the victim's token: the pair does not match.
        using var response = await attacker.PostAsync($"/jobs/job/{id}/cancel", [new("__RequestVerificationToken", victim.Token!)], withToken: false);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        app.Signals.Release("stolen");
    }

    [Test]
    public async Task ReadOnly_HidesActionsAndRefusesThem(CancellationToken ct)
    {
        await using var app = await DashboardApp.StartAsync(o => o.Dashboard = d => d.ReadOnly = true);
        var running = await app.EnqueueStepsAsync("read-only", steps: 1);
        app.Signals.SetFailing("ro", true);
        var failed = await app.Queue.EnqueueAsync<FlakyJob, FlakyArgs>(new FlakyArgs("ro", "x"), cancellationToken: ct);
        await app.Monitor.WaitAsync(failed, ct);
        using var client = app.CreateClient();
        var session = new PageSession(client);

        var runningPage = await session.GetPageAsync($"/jobs/job/{running}");
        var failedPage = await session.GetPageAsync($"/jobs/job/{failed}");
        var list = await session.GetPageAsync("/jobs/list");

        Assert.Multiple(() =>
        {
            foreach (var html in new[] { runningPage, failedPage, list })
            {
                Assert.That(html, Does.Not.Contain("<form class=\"action\"").And.Not.Contain("id=\"bulk\"").And.Not.Contain("method=\"post\""));
                Assert.That(html, Does.Contain("read-only"));
            }
        });
        foreach (var action in new[] { "cancel", "retry", "delete" })
        {
            var target = action == "cancel" ? running : failed;
            using var response = await session.PostAsync($"/jobs/job/{target}/{action}", withToken: false);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), action);
            Assert.That(await response.Content.ReadAsStringAsync(ct), Does.Contain("read-only"));
        }

        Assert.That((await app.Monitor.CountAsync(ct)).Values.Sum(), Is.EqualTo(2), "nothing was retried or deleted");
        app.Signals.Release("read-only");
        Assert.That((await app.Monitor.WaitAsync(running, ct)).Status, Is.EqualTo(JobStatus.Succeeded));
    }

    [Test]
    public async Task Retry_FailedTypedJob_RunsANewJobAndLinksBack(CancellationToken ct)
    {
        await using var app = await DashboardApp.StartAsync();
        app.Signals.SetFailing("retry", true);
        var failed = await app.Queue.EnqueueAsync<FlakyJob, FlakyArgs>(new FlakyArgs("retry", "again"), cancellationToken: ct);
        await app.Monitor.WaitAsync(failed, ct);
        app.Signals.SetFailing("retry", false);
        using var client = app.CreateClient();
        var session = new PageSession(client);
        Assert.That(await session.GetPageAsync($"/jobs/job/{failed}"), Does.Contain("Run again as a new job").And.Contain("this record stays as it is"));

        using var response = await session.PostAsync($"/jobs/job/{failed}/retry");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        var location = response.Headers.Location!.ToString();
        Assert.That(location, Does.Match($"^/jobs/job/[0-9a-f]{{32}}\\?retried-from={failed}$"));
        var next = JobId.Parse(location["/jobs/job/".Length..(location.IndexOf('?', StringComparison.Ordinal))]);
        Assert.That(next, Is.Not.EqualTo(failed));
        var record = await app.Monitor.WaitAsync(next, ct);
        Assert.That(record.Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That(record.Arguments, Is.EqualTo((await app.Monitor.GetAsync(failed, ct))!.Arguments));
        Assert.That((await app.Monitor.GetAsync(failed, ct))!.Status, Is.EqualTo(JobStatus.Failed), "the old record stays");
        Assert.That(await session.GetPageAsync(location), Does.Contain("This job is a new run of job").And.Contain($"/jobs/job/{failed}"));
    }

    [Test]
    public async Task Retry_LambdaJob_Returns409SayingWhy(CancellationToken ct)
    {
        await using var app = await DashboardApp.StartAsync();
        var failed = await app.Queue.EnqueueAsync(_ => throw new InvalidOperationException("lambda"), cancellationToken: ct);
        await app.Monitor.WaitAsync(failed, ct);
        using var client = app.CreateClient();
        var session = new PageSession(client);
        var page = await session.GetPageAsync($"/jobs/job/{failed}");
        Assert.That(page, Does.Contain("lambda job: its code is not stored").And.Not.Contain("id=\"retry\""));

        using var response = await session.PostAsync($"/jobs/job/{failed}/retry");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(await response.Content.ReadAsStringAsync(ct), Does.Contain("Not run again").And.Contain("lambda job"));
    }

    [Test]
    public async Task Delete_FinishedJob_RemovesItAndReturnsToItsList(CancellationToken ct)
    {
        await using var app = await DashboardApp.StartAsync();
        var done = await app.Queue.EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct);
        await app.Monitor.WaitAsync(done, ct);
        using var client = app.CreateClient();
        var session = new PageSession(client);
        await session.GetPageAsync($"/jobs/job/{done}");

        using var response = await session.PostAsync($"/jobs/job/{done}/delete");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        Assert.That(response.Headers.Location?.ToString(), Is.EqualTo($"/jobs/list?status=Succeeded&queue=default&deleted={done}"));
        Assert.That(await app.Monitor.GetAsync(done, ct), Is.Null);
        Assert.That(await session.GetPageAsync(response.Headers.Location!.ToString()), Does.Contain($"Job {done} was deleted."));
        await session.GetPageAsync($"/jobs/job/{done}", HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Delete_RunningJob_Returns409AndKeepsIt(CancellationToken ct)
    {
        await using var app = await DashboardApp.StartAsync();
        var id = await app.EnqueueStepsAsync("keep", steps: 1);
        using var client = app.CreateClient();
        var session = new PageSession(client);
        await session.GetPageAsync($"/jobs/job/{id}");

        using var response = await session.PostAsync($"/jobs/job/{id}/delete");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(await response.Content.ReadAsStringAsync(ct), Does.Contain("only a finished job can be deleted"));
        app.Signals.Release("keep");
        Assert.That((await app.Monitor.WaitAsync(id, ct)).Status, Is.EqualTo(JobStatus.Succeeded));
    }

    [Test]
    public async Task Bulk_DeleteSelectedFinishedJobs_DeletesThoseThatFinished(CancellationToken ct)
    {
        await using var app = await DashboardApp.StartAsync();
        var finished = new List<JobId>();
        for (var i = 0; i < 3; i++)
        {
            finished.Add(await app.Queue.EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct));
        }

        foreach (var id in finished)
        {
            await app.Monitor.WaitAsync(id, ct);
        }

        var running = await app.EnqueueStepsAsync("bulk", steps: 1);
        using var client = app.CreateClient();
        var session = new PageSession(client);
        await session.GetPageAsync("/jobs/list");
        var fields = finished.Append(running).Select(id => new KeyValuePair<string, string>("id", id.ToString())).ToList();
        fields.Add(new("action", "delete"));
        fields.Add(new("return", "/jobs/list"));

        using var response = await session.PostAsync("/jobs/bulk", fields);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        Assert.That(response.Headers.Location?.ToString(), Is.EqualTo("/jobs/list?done=bulk-delete&n=3&of=4"));
        Assert.That(await app.Monitor.CountAsync(ct), Is.EquivalentTo(new Dictionary<(string, JobStatus), int> { [("default", JobStatus.Running)] = 1 }));
        Assert.That(await session.GetPageAsync(response.Headers.Location!.ToString()), Does.Contain("Deleted 3 of 4 selected jobs"));
        app.Signals.Release("bulk");
    }

    [Test]
    public async Task Bulk_ReturnUrlOutsideTheDashboard_Returns400()
    {
        await using var app = await DashboardApp.StartAsync();
        using var client = app.CreateClient();
        var session = new PageSession(client);
        await session.GetPageAsync("/jobs/list");
        await app.Queue.EnqueueAsync(_ => Task.CompletedTask);
        await session.GetPageAsync("/jobs/list");

        using var response = await session.PostAsync("/jobs/bulk", [new("action", "delete"), new("return", "https://evil.example/")]);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }
}
