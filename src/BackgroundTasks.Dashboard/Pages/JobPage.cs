using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace BackgroundTasks.Dashboard;

/// <summary>One job: live progress, timings, attempts, error, result, arguments, parent and children, and its actions.</summary>
internal static class JobPage
{
    private const int ChildrenShown = 20;

    public static async Task RenderAsync(DashboardRequest request, JobId id, Markup notice = default, int statusCode = StatusCodes.Status200OK)
    {
        var counts = await JobCounts.ReadAsync(request).ConfigureAwait(false);
        var job = await request.Monitor.GetAsync(id, request.Aborted).ConfigureAwait(false);
        if (job is null)
        {
            await NotFoundAsync(request, id, counts).ConfigureAwait(false);
            return;
        }

        var children = await request.Monitor.QueryAsync(new JobQuery { ParentId = id, Take = ChildrenShown + 1 }, request.Aborted).ConfigureAwait(false);
        var html = new HtmlBuilder();
        html.Add($"<div class=\"job-page\" data-job-id=\"{job.Id}\"");
        if (!job.Status.IsTerminal())
        {
            html.Add($" data-job-events=\"{request.Urls.Events(job.Id)}\"");
        }

        html.Add($"><h1>{Components.Name(job.Name)} {Components.Status(job.Status)}</h1><p class=\"muted\">Job <code>{job.Id}</code> in queue <a href=\"{request.Urls.List(queue: job.Queue)}\">{job.Queue}</a></p>");
        html.Add(notice);
        Notices(html, request);
        if (!job.Status.IsTerminal() || job.Progress != default)
        {
            html.Add($"<section class=\"live-progress\"><h2>Progress</h2>{Components.Progress(job.Progress, "progress")}");
            html.Add($"<p class=\"progress-message\"><span data-live=\"message\">{job.Progress.Message}</span> <span class=\"muted\" data-live=\"items\">{Items(job.Progress)}</span></p></section>");
        }

        Error(html, job);
        JobActions.Render(html, request, job);
        Details(html, request, job);
        Data(html, job);
        Family(html, request, job, children);
        html.Add($"</div>");
        var title = job.Name ?? $"Job {Display.ShortId(job.Id)}";
        await request.WriteHtmlAsync(Layout.Render(request, title, Layout.Section.None, counts, html.ToMarkup(), refresh: false), statusCode).ConfigureAwait(false);
    }

    public static async Task NotFoundAsync(DashboardRequest request, JobId? id, JobCounts? counts = null)
    {
        counts ??= await JobCounts.ReadAsync(request).ConfigureAwait(false);
        var html = new HtmlBuilder();
        html.Add($"<h1>Job not found</h1>");
        html.Add(Components.Notice(id is { } known
            ? $"No job {known} is known here: it never existed, it was deleted, or it finished long enough ago for retention to forget it."
            : "That is not a job id: a job id is 32 hexadecimal digits.", "error"));
        html.Add($"<p><a href=\"{request.Urls.List()}\">All jobs</a></p>");
        await request.WriteHtmlAsync(Layout.Render(request, "Job not found", Layout.Section.None, counts, html.ToMarkup(), refresh: false), id is null ? StatusCodes.Status400BadRequest : StatusCodes.Status404NotFound).ConfigureAwait(false);
    }

    public static string Items(JobProgress progress)
        => progress.ItemsDone is not { } done ? string.Empty
            : progress.ItemsTotal is { } total ? string.Create(CultureInfo.InvariantCulture, $"{done:N0} of {total:N0} items")
            : string.Create(CultureInfo.InvariantCulture, $"{done:N0} items");

    private static void Notices(HtmlBuilder html, DashboardRequest request)
    {
        if (request.Query("retried-from") is { } from && JobId.TryParse(from, out var old))
        {
            html.Add($"<p class=\"notice info\" role=\"status\" id=\"retried-notice\">This job is a new run of job {Components.JobLink(request.Urls, old, old.ToString())}: same name, arguments, queue and priority, with a new id and a fresh attempt count. That job's record stays as it was.</p>");
        }

        switch (request.Query("done"))
        {
            case "cancel-requested":
                html.Add(Components.Notice("Cancellation requested: a waiting job will not run, and a running job's token has fired (it stops at its next check)."));
                break;
            case "already-finished":
                html.Add(Components.Notice("The job had already finished, so there was nothing to cancel."));
                break;
        }
    }

    private static void Details(HtmlBuilder html, DashboardRequest request, JobRecord job)
    {
        var now = request.Now;
        html.Add($"<section><h2>Details</h2><dl class=\"details\">");
        html.Add($"<dt>Status</dt><dd data-live=\"status\">{job.Status}{(job.CancelReason != JobCancelReason.None ? $" ({job.CancelReason})" : string.Empty)}</dd>");
        html.Add($"<dt>Attempt</dt><dd><span data-live=\"attempt\">{job.Attempt}</span> of {job.MaxAttempts}</dd>");
        html.Add($"<dt>Priority</dt><dd>{job.Priority}</dd>");
        html.Add($"<dt>Kind</dt><dd>{(job.Arguments is null ? "Lambda job (its code is not stored)" : "Typed job (registered name and stored arguments)")}</dd>");
        html.Add($"<dt>Enqueued</dt><dd>{Display.Time(job.EnqueuedAt)} UTC <span class=\"muted\">({Display.Relative(job.EnqueuedAt, now)})</span></dd>");
        if (job.ScheduledAt is { } due)
        {
            html.Add($"<dt>Due</dt><dd>{Display.Time(due)} UTC <span class=\"muted\">({Display.Relative(due, now)})</span></dd>");
        }

        html.Add($"<dt>Started</dt><dd data-live=\"started\">{Display.Time(job.StartedAt)}{(job.StartedAt is null ? string.Empty : " UTC")}</dd>");
        html.Add($"<dt>Finished</dt><dd data-live=\"finished\">{Display.Time(job.FinishedAt)}{(job.FinishedAt is null ? string.Empty : " UTC")}</dd>");
        if (job.StartedAt is { } started)
        {
            html.Add($"<dt>Waited</dt><dd>{Display.Duration(started - job.EnqueuedAt)} <span class=\"muted\">(enqueued to the latest attempt's start)</span></dd>");
        }

        html.Add($"<dt>Ran</dt><dd data-live=\"ran\">{Display.RunTime(job, now) ?? "—"}</dd>");
        html.Add($"</dl></section>");
    }

    private static void Error(HtmlBuilder html, JobRecord job)
    {
        if (job.Error is { } error)
        {
            html.Add($"<section class=\"error-box\" id=\"error\"><h2>{(job.Status == JobStatus.Retrying ? "Error of the last attempt" : "Error")}</h2>");
            html.Add($"<p><code class=\"type\">{error.Type}</code>{(error.TimedOut ? new Markup(" <span class=\"badge\">timed out</span>") : Markup.Empty)}</p>");
            html.Add($"<p class=\"message\">{error.Message}</p>");
            if (error.StackTrace is { } stack)
            {
                html.Add($"<details open><summary>Stack trace</summary><pre class=\"stack\">{stack}</pre></details>");
            }

            html.Add($"</section>");
        }
    }

    private static void Data(HtmlBuilder html, JobRecord job)
    {
        if (job.Result is { } result)
        {
            var (text, type) = JsonText.Result(result);
            html.Add($"<section id=\"result\"><h2>Result <span class=\"muted small\">{type}</span></h2><pre class=\"result\">{text}</pre></section>");
        }

        if (job.Arguments is { } arguments)
        {
            html.Add($"<section id=\"arguments\"><h2>Arguments</h2><pre class=\"arguments\">{JsonText.Indent(arguments)}</pre></section>");
        }
    }

    private static void Family(HtmlBuilder html, DashboardRequest request, JobRecord job, IReadOnlyList<JobRecord> children)
    {
        if (job.ParentId is { } parent)
        {
            html.Add($"<section id=\"parent\"><h2>Parent</h2><p>Started by job {Components.JobLink(request.Urls, parent, parent.ToString())}.</p></section>");
        }

        if (children.Count > 0)
        {
            html.Add($"<section id=\"children\"><h2>Children</h2>");
            html.Add(Components.JobsTable(request, [.. children.Take(ChildrenShown)]));
            if (children.Count > ChildrenShown)
            {
                html.Add($"<p><a href=\"{request.Urls.List(parent: job.Id)}\">All children of this job</a></p>");
            }

            html.Add($"</section>");
        }
    }
}
