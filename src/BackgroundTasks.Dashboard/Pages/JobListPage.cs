using Microsoft.AspNetCore.Http;

namespace BackgroundTasks.Dashboard;

/// <summary>Jobs newest first, filtered by status, queue, exact name or parent, a page at a time, with actions on the selected ones.</summary>
internal static class JobListPage
{
    public static async Task RenderAsync(DashboardRequest request)
    {
        var counts = await JobCounts.ReadAsync(request).ConfigureAwait(false);
        JobStatus? status = null;
        if (request.Query("status") is { } text)
        {
            if (!TryParseStatus(text, out var parsed))
            {
                await BadRequestAsync(request, counts, $"'{text}' is not a job status; use one of {string.Join(", ", JobCounts.Statuses)}.").ConfigureAwait(false);
                return;
            }

            status = parsed;
        }

        JobId? parent = null;
        if (request.Query("parent") is { } parentText)
        {
            if (!JobId.TryParse(parentText, out var parentId))
            {
                await BadRequestAsync(request, counts, $"'{parentText}' is not a job id: a job id is 32 hexadecimal digits.").ConfigureAwait(false);
                return;
            }

            parent = parentId;
        }

        var queue = request.Query("queue");
        var name = request.Query("name")?.Trim() is { Length: > 0 } trimmed ? trimmed : null;
        var page = request.PageNumber();
        var size = request.Options.PageSize;
        var skip = (long)(page - 1) * size;
        IReadOnlyList<JobRecord> jobs = skip > int.MaxValue - size - 1
            ? []
            : await request.Monitor.QueryAsync(new JobQuery { Status = status, Queue = queue, Name = name, ParentId = parent, Skip = (int)skip, Take = size + 1 }, request.Aborted).ConfigureAwait(false);
        int? total = name is null && parent is null ? counts.Of(queue, status) : null;

        var html = new HtmlBuilder();
        html.Add($"<h1>{Heading(status, queue, name, parent)}</h1>");
        if (request.Query("deleted") is { } deleted && JobId.TryParse(deleted, out var deletedId))
        {
            html.Add(Components.Notice($"Job {deletedId} was deleted."));
        }

        BulkActions.RenderResult(html, request);
        Filter(html, request, counts, status, queue, name, parent);
        var shown = jobs.Count > size ? [.. jobs.Take(size)] : jobs;
        var bulk = BulkActions.Render(html, request, status, shown.Count > 0, request.Urls.List(status, queue, name, parent, page));
        html.Add(Components.JobsTable(request, shown, selectField: bulk ? Markup.Empty : null));
        html.Add(Components.Pager(page, jobs.Count > size, total, size, p => request.Urls.List(status, queue, name, parent, p)));
        var section = status switch
        {
            null => Layout.Section.All,
            JobStatus.Queued => Layout.Section.Queued,
            JobStatus.Running => Layout.Section.Running,
            JobStatus.Succeeded => Layout.Section.Succeeded,
            JobStatus.Failed => Layout.Section.Failed,
            JobStatus.Cancelled => Layout.Section.Cancelled,
            _ => Layout.Section.Waiting,
        };
        await request.WriteHtmlAsync(Layout.Render(request, status is { } s ? $"{s} jobs" : "All jobs", section, counts, html.ToMarkup(), refresh: true)).ConfigureAwait(false);
    }

    public static bool TryParseStatus(string text, out JobStatus status)
        => Enum.TryParse(text, ignoreCase: true, out status) && Enum.IsDefined(status) && !char.IsAsciiDigit(text[0]) && text[0] != '-';

    private static string Heading(JobStatus? status, string? queue, string? name, JobId? parent)
    {
        var heading = status is { } s ? $"{s} jobs" : "All jobs";
        if (queue is not null)
        {
            heading += $" in queue '{queue}'";
        }

        if (name is not null)
        {
            heading += $" named '{name}'";
        }

        if (parent is { } p)
        {
            heading += $", children of {Display.ShortId(p)}";
        }

        return heading;
    }

    private static void Filter(HtmlBuilder html, DashboardRequest request, JobCounts counts, JobStatus? status, string? queue, string? name, JobId? parent)
    {
        html.Add($"<form class=\"filter\" method=\"get\" action=\"{request.Urls.List()}\" id=\"filter\"><label>Status <select name=\"status\"><option value=\"\">any</option>");
        foreach (var option in JobCounts.Statuses)
        {
            html.Add($"<option{(option == status ? new Markup(" selected") : Markup.Empty)}>{option}</option>");
        }

        html.Add($"</select></label><label>Queue <select name=\"queue\"><option value=\"\">any</option>");
        var queues = queue is not null && !counts.Queues.Contains(queue) ? counts.Queues.Append(queue) : counts.Queues;
        foreach (var option in queues)
        {
            html.Add($"<option{(option == queue ? new Markup(" selected") : Markup.Empty)}>{option}</option>");
        }

        html.Add($"</select></label><label>Name <input name=\"name\" value=\"{name}\" placeholder=\"exact job name\" maxlength=\"200\" spellcheck=\"false\"></label>");
        if (parent is { } p)
        {
            html.Add($"<input type=\"hidden\" name=\"parent\" value=\"{p}\">");
        }

        html.Add($"<button type=\"submit\" class=\"btn\">Filter</button> <a href=\"{request.Urls.List(status)}\">clear</a></form>");
    }

    private static async Task BadRequestAsync(DashboardRequest request, JobCounts counts, string message)
    {
        var html = new HtmlBuilder();
        html.Add($"<h1>Jobs</h1>").Add(Components.Notice(message, "error"));
        await request.WriteHtmlAsync(Layout.Render(request, "Jobs", Layout.Section.All, counts, html.ToMarkup(), refresh: false), StatusCodes.Status400BadRequest).ConfigureAwait(false);
    }
}
