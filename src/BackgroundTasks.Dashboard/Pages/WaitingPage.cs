namespace BackgroundTasks.Dashboard;

/// <summary>Delayed jobs (Scheduled) and jobs waiting out a retry back-off (Retrying), soonest due first.</summary>
internal static class WaitingPage
{
    /// <summary>How many jobs of each status are read to sort them by due time (a query page's limit).</summary>
    private const int Read = 10_000;

    public static async Task RenderAsync(DashboardRequest request)
    {
        var counts = await JobCounts.ReadAsync(request).ConfigureAwait(false);
        var queue = request.Query("queue");
        var scheduled = await request.Monitor.QueryAsync(new JobQuery { Status = JobStatus.Scheduled, Queue = queue, Take = Read }, request.Aborted).ConfigureAwait(false);
        var retrying = await request.Monitor.QueryAsync(new JobQuery { Status = JobStatus.Retrying, Queue = queue, Take = Read }, request.Aborted).ConfigureAwait(false);
        var waiting = scheduled.Concat(retrying)
            .OrderBy(static j => j.ScheduledAt ?? DateTimeOffset.MaxValue)
            .ThenBy(static j => j.Id)
            .ToList();

        var page = request.PageNumber();
        var size = request.Options.PageSize;
        var from = (long)(page - 1) * size;
        var shown = from >= waiting.Count ? [] : waiting.GetRange((int)from, (int)Math.Min(size, waiting.Count - from));

        var html = new HtmlBuilder();
        html.Add($"<h1>Scheduled &amp; retrying{(queue is null ? string.Empty : $" in queue '{queue}'")}</h1>");
        html.Add($"<p class=\"muted\">Delayed jobs wait for their run time; a failed job with attempts left waits out its back-off. Each is queued when it is due; the soonest due come first.</p>");
        if (scheduled.Count == Read || retrying.Count == Read)
        {
            html.Add(Components.Notice("More than 10,000 jobs wait in one status: only the newest 10,000 of each are sorted and shown here.", "warning"));
        }

        BulkActions.RenderResult(html, request);
        var bulk = BulkActions.Render(html, request, JobStatus.Scheduled, shown.Count > 0, request.Urls.Waiting(queue, page));
        html.Add(Components.JobsTable(request, shown, due: true, selectField: bulk ? Markup.Empty : null));
        html.Add(Components.Pager(page, from + size < waiting.Count, waiting.Count, size, p => request.Urls.Waiting(queue, p)));
        await request.WriteHtmlAsync(Layout.Render(request, "Scheduled & retrying", Layout.Section.Waiting, counts, html.ToMarkup(), refresh: true)).ConfigureAwait(false);
    }
}
