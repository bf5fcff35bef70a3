using System.Net;
using static BackgroundTasks.Dashboard.Tests.Recurring.RecurringApps;

namespace BackgroundTasks.Dashboard.Tests.Recurring;

/// <summary>Pause, resume and trigger a recurring job: POSTs from the dashboard's own page, refused from anywhere else and in read-only mode.</summary>
[CancelAfter(30_000)]
public sealed class RecurringActionTests
{
    [Test]
    public async Task PauseThenResume_FromThePage_ChangeTheScheduleAndSaySo()
    {
        await using var app = await RecurringApps.StartAsync();
        using var client = app.CreateClient();
        var session = new PageSession(client);
        await session.GetPageAsync("/jobs/recurring");

        using var paused = await session.PostAsync($"/jobs/recurring/{Nightly}/pause");

        Assert.That(paused.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        Assert.That(paused.Headers.Location?.ToString(), Is.EqualTo($"/jobs/recurring?done=pause&name={Nightly}"));
        Assert.That((await ScheduleAsync(app, Nightly)).IsPaused, Is.True);
        var html = await session.GetPageAsync(paused.Headers.Location!.ToString());
        Assert.That(html, Does.Contain($"id=\"recurring-notice\">Paused '{Nightly}': no occurrence is enqueued until it is resumed."));
        Assert.That(RecurringPageTests.Row(html, Nightly), Does.Contain("data-action=\"resume\""));

        using var resumed = await session.PostAsync($"/jobs/recurring/{Nightly}/resume");

        Assert.That(resumed.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        Assert.That(resumed.Headers.Location?.ToString(), Is.EqualTo($"/jobs/recurring?done=resume&name={Nightly}"));
        var schedule = await ScheduleAsync(app, Nightly);
        Assert.That(schedule.IsPaused, Is.False);
        Assert.That(schedule.NextRun, Is.Not.Null);
    }

    [Test]
    public async Task Trigger_FromThePage_EnqueuesTheJobNowAndLinksToIt(CancellationToken ct)
    {
        await using var app = await RecurringApps.StartAsync();
        using var client = app.CreateClient();
        var session = new PageSession(client);
        await session.GetPageAsync("/jobs/recurring");

        using var response = await session.PostAsync($"/jobs/recurring/{Nightly}/trigger");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        var location = response.Headers.Location!.ToString();
        var match = System.Text.RegularExpressions.Regex.Match(location, $"^/jobs/recurring\\?done=trigger&name={Nightly}&job=([0-9a-f]{{32}})$");
        Assert.That(match.Success, Is.True, location);
        var id = JobId.Parse(match.Groups[1].Value);
        var job = await app.Monitor.WaitAsync(id, ct);
        Assert.That((job.Name, job.Status, job.UniqueKey), Is.EqualTo((FlakyJob.Name, JobStatus.Succeeded, (string?)null)), "a job outside the schedule, without its key");
        var html = await session.GetPageAsync(location);
        Assert.That(html, Does.Contain($"Triggered '{Nightly}': enqueued job <a class=\"id\" href=\"/jobs/job/{id}\""));
        Assert.That((await ScheduleAsync(app, Nightly)).LastRun, Is.Null, "a trigger is not an occurrence");
    }

    [TestCase("pause")]
    [TestCase("resume")]
    [TestCase("trigger")]
    public async Task Post_UnknownSchedule_Returns404NamingIt(string action)
    {
        await using var app = await RecurringApps.StartAsync();
        using var client = app.CreateClient();
        var session = new PageSession(client);
        await session.GetPageAsync("/jobs/recurring");

        using var response = await session.PostAsync($"/jobs/recurring/weekly/{action}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("No recurring job is named &#x27;weekly&#x27;"));
    }

    [Test]
    public async Task Post_RecurringJobsNotConfigured_Returns404WithTheNote()
    {
        await using var app = await DashboardApp.StartAsync();
        using var client = app.CreateClient();
        var session = new PageSession(client);
        await session.GetPageAsync("/jobs/recurring");
        await session.GetPageAsync("/jobs/job/" + await app.EnqueueStepsAsync("token", steps: 1)); // a page with a form, for the token
        app.Signals.Release("token");

        using var response = await session.PostAsync($"/jobs/recurring/{Nightly}/trigger");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("Recurring jobs are not configured in this application"));
    }

    [TestCase("https://evil.example", null)]
    [TestCase(null, "cross-site")]
    public async Task Post_FromAnotherOrigin_Returns403AndLeavesTheScheduleAlone(string? origin, string? fetchSite)
    {
        await using var app = await RecurringApps.StartAsync();
        using var client = app.CreateClient();
        var session = new PageSession(client);
        await session.GetPageAsync("/jobs/recurring");

        using var pause = await session.PostAsync($"/jobs/recurring/{Nightly}/pause", origin: origin, fetchSite: fetchSite);
        using var trigger = await session.PostAsync($"/jobs/recurring/{Nightly}/trigger", origin: origin, fetchSite: fetchSite);

        Assert.That(pause.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await pause.Content.ReadAsStringAsync(), Does.Contain("another site"));
        Assert.That(trigger.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await ScheduleAsync(app, Nightly)).IsPaused, Is.False);
        Assert.That(await app.Monitor.QueryAsync(new JobQuery { Name = FlakyJob.Name, Take = 1000 }), Has.All.Property("UniqueKey").Not.Null, "nothing was triggered");
    }

    [Test]
    public async Task Post_WithoutAntiforgeryToken_Returns400AndLeavesTheScheduleAlone()
    {
        await using var app = await RecurringApps.StartAsync();
        using var client = app.CreateClient();

        using var response = await new PageSession(client).PostAsync($"/jobs/recurring/{Nightly}/pause", withToken: false);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await ScheduleAsync(app, Nightly)).IsPaused, Is.False);
    }

    [Test]
    public async Task ReadOnly_HidesScheduleActionsAndRefusesThem()
    {
        await using var app = await RecurringApps.StartAsync(o => o.Dashboard = d => d.ReadOnly = true);
        using var client = app.CreateClient();
        var session = new PageSession(client);

        var html = await session.GetPageAsync("/jobs/recurring");

        Assert.That(html, Does.Contain($"data-schedule=\"{Nightly}\"").And.Contain("read-only"));
        Assert.That(html, Does.Not.Contain("method=\"post\"").And.Not.Contain("data-action=").And.Not.Contain("<th>Actions</th>"));
        foreach (var action in new[] { "pause", "resume", "trigger" })
        {
            using var response = await session.PostAsync($"/jobs/recurring/{Nightly}/{action}", withToken: false);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), action);
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("read-only"));
        }

        Assert.That((await ScheduleAsync(app, Nightly)).IsPaused, Is.False);
    }
}
