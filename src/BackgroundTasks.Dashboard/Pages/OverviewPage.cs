namespace BackgroundTasks.Dashboard;

/// <summary>The overview: jobs by status and queue, busy workers, throughput of the last hour, the hosts sharing the store (when it lists them), and the recurring schedules in short.</summary>
internal static class OverviewPage
{
    private static readonly JobStatus[] s_cards = [JobStatus.Queued, JobStatus.Running, JobStatus.Succeeded, JobStatus.Failed, JobStatus.Cancelled];

    public static async Task RenderAsync(DashboardRequest request)
    {
        var counts = await JobCounts.ReadAsync(request).ConfigureAwait(false);
        var hosts = await request.Monitor.ListHostsAsync(request.Aborted).ConfigureAwait(false);
        var html = new HtmlBuilder();
        html.Add($"<h1>Overview</h1>");
        Cards(html, request, counts);
        ThroughputSection.Render(html, request.Throughput.Last(ThroughputRing.Minutes));
        Queues(html, request, counts);
        HostsSection.Render(html, request, hosts);
        RecurringPage.RenderSummary(html, request, counts);
        await request.WriteHtmlAsync(Layout.Render(request, "Overview", Layout.Section.Overview, counts, html.ToMarkup(), refresh: true)).ConfigureAwait(false);
    }

    private static void Cards(HtmlBuilder html, DashboardRequest request, JobCounts counts)
    {
        html.Add($"<section class=\"cards\" aria-label=\"Jobs by status\">");
        var workers = request.JobsOptions?.Queues.Values.Sum(static q => q.Workers);
        foreach (var status in s_cards)
        {
            html.Add($"<a class=\"card {Display.StatusClass(status)}\" href=\"{request.Urls.List(status)}\" data-card=\"{status}\"><span class=\"value\">{Display.Count(counts.Of(status))}</span><span class=\"label\">{status}</span>");
            if (status == JobStatus.Running && workers is { } total)
            {
                html.Add($"<span class=\"sub\">busy workers, of {Display.Count(total)} here</span>");
            }

            html.Add($"</a>");
            if (status == JobStatus.Queued)
            {
                html.Add($"<a class=\"card s-waiting\" href=\"{request.Urls.Waiting()}\" data-card=\"Waiting\"><span class=\"value\">{Display.Count(counts.Waiting)}</span><span class=\"label\">Scheduled &amp; retrying</span></a>");
            }
        }

        html.Add($"</section>");
    }

    private static void Queues(HtmlBuilder html, DashboardRequest request, JobCounts counts)
    {
        html.Add($"<section><h2>Queues</h2><div class=\"table-wrap\"><table class=\"queues\" id=\"queues\"><thead><tr><th>Queue</th><th class=\"num\">Workers</th>");
        foreach (var status in JobCounts.Statuses)
        {
            html.Add($"<th class=\"num\">{status}</th>");
        }

        html.Add($"<th class=\"num\">Total</th></tr></thead><tbody>");
        foreach (var queue in counts.Queues)
        {
            var workers = request.JobsOptions is { } options && options.Queues.TryGetValue(queue, out var q) ? Display.Count(q.Workers) : "—";
            html.Add($"<tr data-queue=\"{queue}\"><th scope=\"row\"><a href=\"{request.Urls.List(queue: queue)}\">{queue}</a></th><td class=\"num\">{workers}</td>");
            foreach (var status in JobCounts.Statuses)
            {
                var n = counts.Of(queue, status);
                var url = status is JobStatus.Scheduled or JobStatus.Retrying ? request.Urls.Waiting(queue) : request.Urls.List(status, queue);
                html.Add(n == 0
                    ? new Markup($"<td class=\"num zero\" data-count=\"{status}\">0</td>")
                    : Cell(url, n, status));
            }

            html.Add($"<td class=\"num\" data-count=\"Total\">{Display.Count(counts.OfQueue(queue))}</td></tr>");
        }

        html.Add($"</tbody></table></div></section>");
    }

    private static Markup Cell(string url, int count, JobStatus status)
    {
        var html = new HtmlBuilder();
        html.Add($"<td class=\"num\" data-count=\"{status}\"><a href=\"{url}\">{Display.Count(count)}</a></td>");
        return html.ToMarkup();
    }
}
