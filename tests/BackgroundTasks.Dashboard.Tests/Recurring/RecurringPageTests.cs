using System.Net;
using Microsoft.Extensions.DependencyInjection;
using static BackgroundTasks.Dashboard.Tests.Recurring.RecurringApps;

namespace BackgroundTasks.Dashboard.Tests.Recurring;

/// <summary>The recurring jobs page: each schedule with its cron, time zone, state, next run and last run (linked to its job).</summary>
[CancelAfter(30_000)]
public sealed class RecurringPageTests
{
    [Test]
    public async Task RecurringPage_RecurringJobsNotConfigured_SaysHowToAddThem()
    {
        await using var app = await DashboardApp.StartAsync();
        using var client = app.CreateClient();
        var session = new PageSession(client);

        var html = await session.GetPageAsync("/jobs/recurring");
        var overview = await session.GetPageAsync("/jobs");

        Assert.Multiple(() =>
        {
            Assert.That(html, Does.Contain("<h1>Recurring jobs</h1>"));
            Assert.That(html, Does.Contain("id=\"not-configured\">Recurring jobs are not configured in this application"));
            Assert.That(html, Does.Contain("AddRecurringJob&lt;TJob, TArgs&gt;(name, cron, args)"));
            Assert.That(html, Does.Contain("data-nav=\"recurring\" aria-current=\"page\""));
            Assert.That(html, Does.Not.Contain("method=\"post\""));
            Assert.That(overview, Does.Contain("<a href=\"/jobs/recurring\">Recurring schedules</a>").And.Contain("Recurring jobs are not configured"));
        });
    }

    [Test]
    public async Task RecurringPage_TwoSchedules_ListsEachWithItsNextRunAndItsLastRunLinkedToItsJob(CancellationToken ct)
    {
        await using var app = await RecurringApps.StartAsync();
        var ticking = await FirstRunThenPauseAsync(app, ct);
        var nightly = await ScheduleAsync(app, Nightly);
        using var client = app.CreateClient();
        var session = new PageSession(client);

        var html = await session.GetPageAsync("/jobs/recurring");
        var overview = await session.GetPageAsync("/jobs");

        var tickRow = Row(html, EverySecond);
        var nightlyRow = Row(html, Nightly);
        Assert.Multiple(() =>
        {
            Assert.That(PageText.NavCount(html, "recurring"), Is.EqualTo(2));
            Assert.That(tickRow, Does.Contain("<td><code>* * * * * *</code></td><td>UTC</td>"));
            Assert.That(tickRow, Does.Contain("data-state=\"paused\">paused</span>"));
            Assert.That(tickRow, Does.Contain("<td class=\"time muted\" data-cell=\"next\">—</td>"), "a paused schedule has no next run");
            Assert.That(tickRow, Does.Contain($"<a class=\"id\" href=\"/jobs/job/{ticking.LastRunJobId}\" title=\"Job {ticking.LastRunJobId}\">{ticking.LastRun!.Value.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC</a>"));
            Assert.That(tickRow, Does.Contain("data-action=\"resume\"").And.Contain("data-action=\"trigger\"").And.Not.Contain("data-action=\"pause\""));
            Assert.That(nightlyRow, Does.Contain("<td><code>0 3 * * *</code></td><td>Europe/Berlin</td>"));
            Assert.That(nightlyRow, Does.Contain("data-state=\"active\">active</span>"));
            Assert.That(nightlyRow, Does.Contain($"data-cell=\"next\">{nightly.NextRun!.Value.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC"));
            Assert.That(nightlyRow, Does.Contain("data-cell=\"last\"><span class=\"muted\">—</span>"));
            Assert.That(nightlyRow, Does.Contain("data-action=\"pause\"").And.Contain("data-action=\"trigger\""));
            Assert.That(html.IndexOf($"data-schedule=\"{EverySecond}\"", StringComparison.Ordinal), Is.LessThan(html.IndexOf($"data-schedule=\"{Nightly}\"", StringComparison.Ordinal)), "by name");
            Assert.That(overview, Does.Contain("data-schedules=\"2\">2 schedules, 1 paused; next: <strong>nightly-report</strong>"));
        });
        var job = await app.Monitor.GetAsync(ticking.LastRunJobId!.Value, ct);
        Assert.That(job!.UniqueKey, Is.EqualTo($"recurring:{EverySecond}:{ticking.LastRun!.Value.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}"), "the link leads to the last run's job");
        await session.GetPageAsync($"/jobs/job/{ticking.LastRunJobId}");
    }

    [Test]
    public async Task RecurringPage_NoSchedulesYet_SaysSo()
    {
        await using var app = await DashboardApp.StartAsync(o => o.Jobs = jobs => jobs.AddRecurringJobs());
        using var client = app.CreateClient();

        var html = await new PageSession(client).GetPageAsync("/jobs/recurring");

        Assert.That(html, Does.Contain("<p class=\"empty\" id=\"empty\">No recurring jobs yet"));
        Assert.That(html, Does.Not.Contain("not-configured"));
    }

    [Test]
    public async Task RecurringPage_NonLocalRequestWithoutPolicy_Returns403()
    {
        await using var app = await RecurringApps.StartAsync(o => o.RemoteIp = IPAddress.Parse("203.0.113.9"));
        using var client = app.CreateClient();

        await new PageSession(client).GetPageAsync("/jobs/recurring", HttpStatusCode.Forbidden);
    }

    /// <summary>The table row of one schedule.</summary>
    public static string Row(string html, string name)
    {
        var match = System.Text.RegularExpressions.Regex.Match(html, $"<tr class=\"schedule\" data-schedule=\"{name}\"[^>]*>(.*?)</tr>", System.Text.RegularExpressions.RegexOptions.Singleline);
        Assert.That(match.Success, Is.True, $"no row for schedule {name}");
        return match.Value;
    }
}
