using BackgroundTasks.Recurring;
using Microsoft.AspNetCore.Http;

namespace BackgroundTasks.Dashboard;

/// <summary>The recurring jobs of this host: each schedule with its cron expression, time zone, next and last run, and its actions.</summary>
internal static class RecurringPage
{
    public const string NotConfigured = "Recurring jobs are not configured in this application: add the BackgroundTasks.Recurring package and "
        + "AddBackgroundJobs().AddRecurringJob<TJob, TArgs>(name, cron, args) (or AddRecurringJobs(), to add schedules at run time). Their schedules are listed here.";

    public static Task RenderAsync(DashboardRequest request) => RenderAsync(request, null, StatusCodes.Status200OK);

    /// <summary>Renders the page, with a notice first (an action's outcome) and the given status code.</summary>
    public static async Task RenderAsync(DashboardRequest request, Markup? notice, int statusCode)
    {
        var counts = await JobCounts.ReadAsync(request).ConfigureAwait(false);
        var html = new HtmlBuilder();
        html.Add($"<h1>Recurring jobs</h1>");
        if (notice is { } shown)
        {
            html.Add(shown);
        }

        if (counts.RecurringJobs is not { } recurring)
        {
            html.Add($"<p class=\"notice info\" role=\"status\" id=\"not-configured\">{NotConfigured}</p>");
        }
        else
        {
            html.Add($"<p class=\"muted\">Each occurrence is enqueued once, as a job with the key <code>recurring:{{name}}:{{due time in UTC}}</code>. Schedules are kept by the store when it keeps them (in-memory, SQLite, PostgreSQL): pausing and resuming then apply on every host that shares it.</p>");
            RenderResult(html, request);
            Table(html, request, recurring);
        }

        await request.WriteHtmlAsync(Layout.Render(request, "Recurring jobs", Layout.Section.Recurring, counts, html.ToMarkup(), refresh: true), statusCode).ConfigureAwait(false);
    }

    /// <summary>The overview's section: how many schedules, and which runs next.</summary>
    public static void RenderSummary(HtmlBuilder html, DashboardRequest request, JobCounts counts)
    {
        html.Add($"<section class=\"recurring\" id=\"recurring\"><h2><a href=\"{request.Urls.Recurring}\">Recurring schedules</a></h2>");
        if (counts.RecurringJobs is not { } schedules)
        {
            html.Add($"<p class=\"muted\">{NotConfigured}</p>");
        }
        else
        {
            var paused = schedules.Count(static s => s.IsPaused);
            var next = schedules.Where(static s => s.NextRun is not null).MinBy(static s => s.NextRun);
            html.Add($"<p data-schedules=\"{schedules.Count}\">{Display.Count(schedules.Count)} {(schedules.Count == 1 ? "schedule" : "schedules")}, {Display.Count(paused)} paused");
            if (next is { NextRun: { } at })
            {
                html.Add($"; next: <strong>{next.Name}</strong> <span title=\"{Display.Time(at)} UTC\">{Display.Relative(at, request.Now)}</span>");
            }

            html.Add($". <a href=\"{request.Urls.Recurring}\">See them all</a></p>");
        }

        html.Add($"</section>");
    }

    private static void Table(HtmlBuilder html, DashboardRequest request, IReadOnlyList<RecurringJobInfo> schedules)
    {
        if (schedules.Count == 0)
        {
            html.Add($"<p class=\"empty\" id=\"empty\">No recurring jobs yet: schedules added with AddRecurringJob or IRecurringJobs.AddOrUpdateAsync show here.</p>");
            return;
        }

        var actions = !request.Options.ReadOnly;
        html.Add($"<div class=\"table-wrap\"><table class=\"schedules\" id=\"schedules\"><thead><tr><th>Name</th><th>Cron</th><th>Time zone</th><th>State</th><th>Next run</th><th>Last run</th>");
        if (actions)
        {
            html.Add($"<th>Actions</th>");
        }

        html.Add($"</tr></thead><tbody>");
        foreach (var schedule in schedules)
        {
            html.Add($"<tr class=\"schedule\" data-schedule=\"{schedule.Name}\" data-paused=\"{(schedule.IsPaused ? "true" : "false")}\">");
            html.Add($"<td class=\"name\">{schedule.Name}</td><td><code>{schedule.Cron}</code></td><td>{schedule.TimeZoneId}</td>");
            html.Add(schedule.IsPaused
                ? new Markup("<td><span class=\"status s-cancelled\" data-state=\"paused\">paused</span></td>")
                : schedule.CanRun
                    ? new Markup("<td><span class=\"status s-scheduled\" data-state=\"active\">active</span></td>")
                    : NotRunHere(schedule));
            html.Add(TimeCell(schedule.NextRun, request.Now, "next"));
            html.Add($"<td class=\"time\" data-cell=\"last\">");
            if (schedule.LastRun is { } last && schedule.LastRunJobId is { } id)
            {
                html.Add($"<a class=\"id\" href=\"{request.Urls.Job(id)}\" title=\"Job {id}\">{Display.Time(last)} UTC</a> <span class=\"muted\">{Display.Relative(last, request.Now)}</span>");
            }
            else if (schedule.LastRun is { } lastOnly)
            {
                html.Add($"{Display.Time(lastOnly)} UTC <span class=\"muted\">{Display.Relative(lastOnly, request.Now)}</span>");
            }
            else
            {
                html.Add($"<span class=\"muted\">—</span>");
            }

            html.Add($"</td>");
            if (actions)
            {
                html.Add($"<td class=\"actions\">");
                if (schedule.IsPaused)
                {
                    Button(html, request, schedule.Name, RecurringActions.Resume, "Resume", "Enqueue occurrences again from the next one; those passed while paused are skipped.");
                }
                else
                {
                    Button(html, request, schedule.Name, RecurringActions.Pause, "Pause", "Enqueue no occurrence until resumed.");
                }

                Button(html, request, schedule.Name, RecurringActions.Trigger, "Trigger now", "Enqueue the job now, outside the schedule; the schedule goes on as before.");
                html.Add($"</td>");
            }

            html.Add($"</tr>");
        }

        html.Add($"</tbody></table></div>");
    }

    private static Markup NotRunHere(RecurringJobInfo schedule)
    {
        var html = new HtmlBuilder();
        html.Add($"<td><span class=\"status s-failed\" data-state=\"not-run\" title=\"Job '{schedule.JobName}' is not registered on this host, or its time zone or cron expression cannot be read here: the hosts that can run it do.\">not run here</span></td>");
        return html.ToMarkup();
    }

    private static Markup TimeCell(DateTimeOffset? time, DateTimeOffset now, string cell)
    {
        var html = new HtmlBuilder();
        if (time is { } at)
        {
            html.Add($"<td class=\"time\" data-cell=\"{cell}\">{Display.Time(at)} UTC <span class=\"muted\">{Display.Relative(at, now)}</span></td>");
        }
        else
        {
            html.Add($"<td class=\"time muted\" data-cell=\"{cell}\">—</td>");
        }

        return html.ToMarkup();
    }

    private static void Button(HtmlBuilder html, DashboardRequest request, string name, string action, string label, string help)
        => html.Add($"<form class=\"inline\" method=\"post\" action=\"{request.Urls.RecurringAction(name, action)}\">{request.AntiforgeryField()}<button type=\"submit\" class=\"btn\" data-action=\"{action}\" title=\"{help}\">{label}</button></form>");

    /// <summary>Shows what the last action did, from the query string it returned with.</summary>
    private static void RenderResult(HtmlBuilder html, DashboardRequest request)
    {
        if (request.Query("name") is not { } name)
        {
            return;
        }

        switch (request.Query("done"))
        {
            case RecurringActions.Pause:
                html.Add($"<p class=\"notice info\" role=\"status\" id=\"recurring-notice\">Paused '{name}': no occurrence is enqueued until it is resumed.</p>");
                break;
            case RecurringActions.Resume:
                html.Add($"<p class=\"notice info\" role=\"status\" id=\"recurring-notice\">Resumed '{name}' from its next occurrence; those that passed while it was paused are skipped.</p>");
                break;
            case RecurringActions.Trigger when JobId.TryParse(request.Query("job"), out var job):
                html.Add($"<p class=\"notice info\" role=\"status\" id=\"recurring-notice\">Triggered '{name}': enqueued job {Components.JobLink(request.Urls, job, job.ToString())}, outside the schedule.</p>");
                break;
        }
    }
}
