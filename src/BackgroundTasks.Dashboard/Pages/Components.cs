namespace BackgroundTasks.Dashboard;

/// <summary>Pieces several pages share: status badges, progress bars, job tables, pagers, notices.</summary>
internal static class Components
{
    public static Markup Status(JobStatus status)
    {
        var html = new HtmlBuilder();
        html.Add($"<span class=\"status {Display.StatusClass(status)}\" data-status=\"{status}\">{status}</span>");
        return html.ToMarkup();
    }

    /// <summary>
    /// A progress bar: an SVG (its width is an attribute, so the page needs no inline style, which the
    /// dashboard's content security policy forbids) inside an element with the progressbar role.
    /// </summary>
    public static Markup Progress(JobProgress progress, string? id = null)
    {
        var percent = Display.Percent(Math.Clamp(progress.Percent, 0, 100));
        var html = new HtmlBuilder();
        html.Add($"<span class=\"progress\" role=\"progressbar\" aria-label=\"Progress\" aria-valuemin=\"0\" aria-valuemax=\"100\" aria-valuenow=\"{percent}\"");
        if (id is not null)
        {
            html.Add($" id=\"{id}\"");
        }

        html.Add($"><svg class=\"bar\" viewBox=\"0 0 100 4\" preserveAspectRatio=\"none\" aria-hidden=\"true\"><rect class=\"track\" width=\"100\" height=\"4\"></rect><rect class=\"value\" width=\"{percent}\" height=\"4\"></rect></svg>");
        html.Add($" <span class=\"pct\">{percent} %</span></span>");
        return html.ToMarkup();
    }

    public static Markup JobLink(DashboardUrls urls, JobId id, string? text = null)
    {
        var html = new HtmlBuilder();
        html.Add($"<a class=\"id\" href=\"{urls.Job(id)}\" title=\"{id}\">{text ?? Display.ShortId(id)}</a>");
        return html.ToMarkup();
    }

    public static Markup Name(string? name)
    {
        var html = new HtmlBuilder();
        if (name is null)
        {
            html.Add($"<span class=\"muted\">(no name)</span>");
        }
        else
        {
            html.Add($"{name}");
        }

        return html.ToMarkup();
    }

    public static Markup Notice(string text, string kind = "info")
    {
        var html = new HtmlBuilder();
        html.Add($"<p class=\"notice {kind}\" role=\"status\">{text}</p>");
        return html.ToMarkup();
    }

    /// <summary>A table of jobs, newest first as given. With <paramref name="due"/>, a due-time column replaces the finish time.</summary>
    public static Markup JobsTable(DashboardRequest request, IReadOnlyList<JobRecord> jobs, bool due = false, Markup? selectField = null)
    {
        var html = new HtmlBuilder();
        if (jobs.Count == 0)
        {
            html.Add($"<p class=\"empty\" id=\"empty\">No jobs here.</p>");
            return html.ToMarkup();
        }

        var select = selectField is not null;
        html.Add($"<div class=\"table-wrap\"><table class=\"jobs\"><thead><tr>");
        if (select)
        {
            html.Add($"<th class=\"pick\"><input type=\"checkbox\" class=\"pick-all\" aria-label=\"Select every job on this page\"></th>");
        }

        html.Add($"<th>Job</th><th>Name</th><th>Queue</th><th>Status</th><th>Attempt</th><th>Progress</th><th>Enqueued</th>");
        html.Add(due ? new Markup("<th>Due</th>") : new Markup("<th>Finished</th><th>Ran</th>"));
        html.Add($"<th>Error</th></tr></thead><tbody>");
        foreach (var job in jobs)
        {
            html.Add($"<tr class=\"job\" data-job-id=\"{job.Id}\" data-status=\"{job.Status}\">");
            if (select)
            {
                html.Add($"<td class=\"pick\"><input type=\"checkbox\" class=\"pick\" name=\"id\" value=\"{job.Id}\" form=\"bulk\" aria-label=\"Select job {job.Id}\"></td>");
            }

            html.Add($"<td>{JobLink(request.Urls, job.Id)}</td><td class=\"name\">{Name(job.Name)}</td><td>{job.Queue}</td><td>{Status(job.Status)}</td>");
            html.Add($"<td class=\"num\">{job.Attempt} / {job.MaxAttempts}</td>");
            html.Add(job.Status.IsTerminal() && job.Progress == default ? new Markup("<td class=\"muted\">—</td>") : Cell(Progress(job.Progress)));
            html.Add($"<td class=\"time\" title=\"{Display.Time(job.EnqueuedAt)} UTC\">{Display.Relative(job.EnqueuedAt, request.Now)}</td>");
            if (due)
            {
                html.Add($"<td class=\"time\" title=\"{Display.Time(job.ScheduledAt)} UTC\">{(job.ScheduledAt is { } at ? Display.Relative(at, request.Now) : "—")}</td>");
            }
            else
            {
                html.Add($"<td class=\"time\" title=\"{Display.Time(job.FinishedAt)} UTC\">{(job.FinishedAt is { } at ? Display.Relative(at, request.Now) : "—")}</td>");
                html.Add($"<td class=\"num\">{Display.RunTime(job, request.Now) ?? "—"}</td>");
            }

            html.Add($"<td class=\"error\">");
            if (job.Error is { } error)
            {
                html.Add($"<span title=\"{error.Type}: {Display.Cut(error.Message, 500)}\">{Display.Cut(error.Message, 80)}</span>");
            }

            html.Add($"</td></tr>");
        }

        html.Add($"</tbody></table></div>");
        return html.ToMarkup();
    }

    /// <summary>Links to the newer and older pages, and where this page is.</summary>
    public static Markup Pager(int page, bool hasOlder, int? total, int pageSize, Func<int, string> pageUrl)
    {
        var html = new HtmlBuilder();
        html.Add($"<nav class=\"pager\" aria-label=\"Pages\">");
        html.Add(page > 1 ? Link(pageUrl(page - 1), "← Newer", "newer") : new Markup("<span class=\"disabled\">← Newer</span>"));
        var pages = total is { } t ? Math.Max(1, (t + pageSize - 1) / pageSize) : (int?)null;
        html.Add($"<span class=\"where\">Page {page}{(pages is { } p ? $" of {Display.Count(p)}" : string.Empty)}</span>");
        html.Add(hasOlder ? Link(pageUrl(page + 1), "Older →", "older") : new Markup("<span class=\"disabled\">Older →</span>"));
        html.Add($"</nav>");
        return html.ToMarkup();
    }

    private static Markup Cell(Markup content)
    {
        var html = new HtmlBuilder();
        html.Add($"<td>{content}</td>");
        return html.ToMarkup();
    }

    private static Markup Link(string url, string text, string rel)
    {
        var html = new HtmlBuilder();
        html.Add($"<a href=\"{url}\" data-page=\"{rel}\">{text}</a>");
        return html.ToMarkup();
    }
}
