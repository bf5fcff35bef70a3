namespace BackgroundTasks.Dashboard;

/// <summary>The frame of every page: head, navigation with counts, the page's body, footer.</summary>
internal static class Layout
{
    /// <summary>Which navigation entry is the current page.</summary>
    public enum Section
    {
        None,
        Overview,
        Waiting,
        Queued,
        Running,
        Succeeded,
        Failed,
        Cancelled,
        All,
        Recurring,
    }

    public static string Render(DashboardRequest request, string pageTitle, Section section, JobCounts counts, Markup body, bool refresh)
    {
        var urls = request.Urls;
        var options = request.Options;
        var css = urls.Asset(EmbeddedAssets.Stylesheet, EmbeddedAssets.VersionOf(EmbeddedAssets.Stylesheet));
        var js = urls.Asset(EmbeddedAssets.Script, EmbeddedAssets.VersionOf(EmbeddedAssets.Script));
        var refreshMs = refresh ? (long)options.RefreshInterval.TotalMilliseconds : 0;
        var html = new HtmlBuilder();
        html.Add($"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="robots" content="noindex, nofollow">
            <title>{pageTitle} · {options.Title}</title>
            <link rel="stylesheet" href="{css}">
            <script src="{js}" defer></script>
            </head>
            <body>
            <header class="top">
            <a class="brand" href="{urls.Home}">{options.Title}</a>
            <nav id="nav" aria-label="Dashboard">
            """);
        NavLink(html, urls.Home, "Overview", null, section == Section.Overview, "overview");
        NavLink(html, urls.Waiting(), "Scheduled & retrying", counts.Waiting, section == Section.Waiting, "waiting");
        foreach (var (status, entry) in new[] { (JobStatus.Queued, Section.Queued), (JobStatus.Running, Section.Running), (JobStatus.Succeeded, Section.Succeeded), (JobStatus.Failed, Section.Failed), (JobStatus.Cancelled, Section.Cancelled) })
        {
            NavLink(html, urls.List(status), status.ToString(), counts.Of(status), section == entry, status.ToString().ToLowerInvariant());
        }

        NavLink(html, urls.List(), "All jobs", counts.Total, section == Section.All, "all");
        NavLink(html, urls.Recurring, "Recurring", counts.RecurringJobs?.Count, section == Section.Recurring, "recurring");
        html.Add($"""
            </nav>
            <form class="find" method="get" action="{urls.Find}" role="search">
            <input name="id" placeholder="Job id" aria-label="Go to the job with this id" autocomplete="off" spellcheck="false" size="14">
            </form>
            """);
        if (options.AppPath is { } app)
        {
            html.Add($"<a class=\"back\" href=\"{app}\">Back to the app</a>");
        }

        if (options.ReadOnly)
        {
            html.Add($"<span class=\"badge readonly\" title=\"This dashboard only shows: its actions (cancel, retry, delete, pause, resume, trigger) are turned off.\">read-only</span>");
        }

        html.Add($"""
            </header>
            <main id="main" data-refresh-ms="{refreshMs}">
            {body}
            </main>
            <footer>
            <span>BackgroundTasks dashboard · {Display.Time(request.Now)} UTC</span>
            """);
        if (refreshMs > 0)
        {
            html.Add($"<label class=\"live\"><input type=\"checkbox\" id=\"live\" checked> refresh every {Display.Duration(options.RefreshInterval)}</label>");
        }

        html.Add($"""
            </footer>
            </body>
            </html>
            """);
        return html.ToString();
    }

    private static void NavLink(HtmlBuilder html, string url, string label, int? count, bool current, string key)
    {
        html.Add($"<a href=\"{url}\" data-nav=\"{key}\"{(current ? new Markup(" aria-current=\"page\"") : Markup.Empty)}>{label}");
        if (count is { } n)
        {
            html.Add($" <span class=\"count\">{Display.Count(n)}</span>");
        }

        html.Add($"</a>");
    }
}
