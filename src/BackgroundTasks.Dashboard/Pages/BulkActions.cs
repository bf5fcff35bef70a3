using System.Globalization;

namespace BackgroundTasks.Dashboard;

/// <summary>Actions on the jobs selected in a list: cancel, run again as new jobs, delete. Each job is handled as its own action would.</summary>
internal static class BulkActions
{
    /// <summary>How many ids one request may carry: a page holds at most 500 jobs.</summary>
    public const int MaxJobs = 500;

    private static readonly string[] s_all = [JobActions.Cancel, JobActions.Retry, JobActions.Delete];

    /// <summary>Renders the form the list's checkboxes belong to; returns whether it did (not in read-only mode, nor for an empty list).</summary>
    public static bool Render(HtmlBuilder html, DashboardRequest request, JobStatus? status, bool any, string returnUrl)
    {
        if (request.Options.ReadOnly || !any)
        {
            return false;
        }

        string[] actions = status switch
        {
            null => s_all,
            JobStatus.Failed or JobStatus.Cancelled => [JobActions.Retry, JobActions.Delete],
            JobStatus.Succeeded => [JobActions.Delete],
            _ => [JobActions.Cancel],
        };
        html.Add($"<form class=\"bulk\" id=\"bulk\" method=\"post\" action=\"{request.Urls.Bulk}\">{request.AntiforgeryField()}<input type=\"hidden\" name=\"return\" value=\"{returnUrl}\"><span class=\"muted\">Selected jobs:</span>");
        foreach (var action in actions)
        {
            var (label, confirm) = action switch
            {
                JobActions.Cancel => ("Cancel", null),
                JobActions.Retry => ("Run again as new jobs", null),
                _ => ("Delete records", "Delete the selected jobs' records? This cannot be undone."),
            };
            html.Add($"<button type=\"submit\" class=\"btn{(action == JobActions.Delete ? " danger" : string.Empty)}\" name=\"action\" value=\"{action}\" id=\"bulk-{action}\"");
            if (confirm is not null)
            {
                html.Add($" data-confirm=\"{confirm}\"");
            }

            html.Add($">{label}</button>");
        }

        html.Add($"</form>");
        return true;
    }

    /// <summary>POST …/bulk: applies the action to each selected job, then returns to the list with a summary.</summary>
    public static async Task HandleAsync(DashboardRequest request)
    {
        var form = await request.Http.Request.ReadFormAsync(request.Aborted).ConfigureAwait(false);
        var action = form["action"].ToString();
        var returnUrl = form["return"].ToString();
        if (Array.IndexOf(s_all, action) < 0 || !IsListUrl(request.Urls, returnUrl) || form["id"].Count > MaxJobs)
        {
            request.Http.Response.StatusCode = Microsoft.AspNetCore.Http.StatusCodes.Status400BadRequest;
            return;
        }

        var done = 0;
        var ids = form["id"].Select(static text => JobId.TryParse(text, out var id) ? id : (JobId?)null).OfType<JobId>().Distinct().ToList();
        foreach (var id in ids)
        {
            try
            {
                var ok = action switch
                {
                    JobActions.Cancel => await request.Monitor.CancelAsync(id, request.Aborted).ConfigureAwait(false),
                    JobActions.Retry => !(await request.Monitor.RetryAsync(id, request.Aborted).ConfigureAwait(false)).IsEmpty,
                    _ => await request.Monitor.DeleteAsync(id, request.Aborted).ConfigureAwait(false),
                };
                done += ok ? 1 : 0;
            }
            catch (Exception exception) when (exception is KeyNotFoundException or InvalidOperationException or JobQueueFullException)
            {
                // Counted as not done; the summary says how many were.
            }
        }

        var separator = returnUrl.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        request.RedirectTo(string.Create(CultureInfo.InvariantCulture, $"{returnUrl}{separator}done=bulk-{action}&n={done}&of={ids.Count}"));
    }

    /// <summary>Shows what the last bulk action did, from the query string it returned with.</summary>
    public static void RenderResult(HtmlBuilder html, DashboardRequest request)
    {
        if (request.Query("done") is not { } done || !done.StartsWith("bulk-", StringComparison.Ordinal)
            || !int.TryParse(request.Query("n"), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            || !int.TryParse(request.Query("of"), NumberStyles.None, CultureInfo.InvariantCulture, out var of))
        {
            return;
        }

        var text = done switch
        {
            "bulk-cancel" => $"Cancelled {n} of {of} selected jobs; the others had already finished.",
            "bulk-retry" => $"Enqueued {n} new jobs for {of} selected jobs; a lambda job, a job that had not failed or been cancelled, or one this host does not register cannot run again.",
            "bulk-delete" => $"Deleted {n} of {of} selected jobs' records; a job that had not finished is never deleted, and some stores do not delete records.",
            _ => null,
        };
        if (text is not null)
        {
            html.Add(Components.Notice(text, n == of ? "info" : "warning"));
        }
    }

    private static bool IsListUrl(DashboardUrls urls, string url)
        => (url.StartsWith($"{urls.Base}/list", StringComparison.Ordinal) || url.StartsWith($"{urls.Base}/waiting", StringComparison.Ordinal))
            && !url.Contains("//", StringComparison.Ordinal) && !url.Contains('\\', StringComparison.Ordinal);
}
