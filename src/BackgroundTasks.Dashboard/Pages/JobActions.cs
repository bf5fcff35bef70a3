using Microsoft.AspNetCore.Http;

namespace BackgroundTasks.Dashboard;

/// <summary>
/// Cancel, retry and delete: the buttons on a job's page (hidden in read-only mode) and what each POST does.
/// Each POST has passed <see cref="DashboardEndpoints"/>' checks (access, read-only, same origin, antiforgery token).
/// </summary>
internal static class JobActions
{
    public const string Cancel = "cancel";
    public const string Retry = "retry";
    public const string Delete = "delete";

    public static void Render(HtmlBuilder html, DashboardRequest request, JobRecord job)
    {
        if (request.Options.ReadOnly)
        {
            return;
        }

        var canCancel = !job.Status.IsTerminal();
        var canRetry = job.Status is JobStatus.Failed or JobStatus.Cancelled;
        var canDelete = job.Status.IsTerminal();
        html.Add($"<section class=\"actions\" id=\"actions\"><h2>Actions</h2>");
        if (canCancel)
        {
            Button(html, request, job.Id, Cancel, "Cancel job", "A waiting job never runs; a running job's cancellation token fires, and the job stops at its next check of it.");
        }

        if (canRetry && job.Arguments is not null)
        {
            Button(html, request, job.Id, Retry, "Run again as a new job", "Enqueues a new job with the same name, arguments, queue and priority (a new id, attempts from 1); this record stays as it is, and you are taken to the new job.");
        }
        else if (canRetry)
        {
            html.Add($"<p class=\"muted\">This is a lambda job: its code is not stored, so it cannot be run again from here. Typed jobs (<code>AddJob&lt;TJob, TArgs&gt;</code>) can.</p>");
        }

        if (canDelete)
        {
            Button(html, request, job.Id, Delete, "Delete record", "Removes this finished job's record from the store for good.", "Delete this job's record? This cannot be undone.");
        }

        html.Add($"</section>");
    }

    /// <summary>POST …/job/{id}/cancel: cancels, then shows the job again.</summary>
    public static async Task CancelAsync(DashboardRequest request, JobId id)
    {
        bool cancelled;
        try
        {
            cancelled = await request.Monitor.CancelAsync(id, request.Aborted).ConfigureAwait(false);
        }
        catch (KeyNotFoundException)
        {
            await JobPage.NotFoundAsync(request, id).ConfigureAwait(false);
            return;
        }

        request.RedirectTo($"{request.Urls.Job(id)}?done={(cancelled ? "cancel-requested" : "already-finished")}");
    }

    /// <summary>POST …/job/{id}/retry: enqueues a new job with the same arguments and goes to it.</summary>
    public static async Task RetryAsync(DashboardRequest request, JobId id)
    {
        JobId next;
        try
        {
            next = await request.Monitor.RetryAsync(id, request.Aborted).ConfigureAwait(false);
        }
        catch (KeyNotFoundException)
        {
            await JobPage.NotFoundAsync(request, id).ConfigureAwait(false);
            return;
        }
        catch (Exception exception) when (exception is InvalidOperationException or JobQueueFullException)
        {
            await JobPage.RenderAsync(request, id, Components.Notice($"Not run again: {exception.Message}", "error"), StatusCodes.Status409Conflict).ConfigureAwait(false);
            return;
        }

        request.RedirectTo($"{request.Urls.Job(next)}?retried-from={id}");
    }

    /// <summary>POST …/job/{id}/delete: deletes a finished job's record and goes to the list it was in.</summary>
    public static async Task DeleteAsync(DashboardRequest request, JobId id)
    {
        var job = await request.Monitor.GetAsync(id, request.Aborted).ConfigureAwait(false);
        bool deleted;
        try
        {
            deleted = job is not null && await request.Monitor.DeleteAsync(id, request.Aborted).ConfigureAwait(false);
        }
        catch (KeyNotFoundException)
        {
            job = null;
            deleted = false;
        }

        if (job is null)
        {
            await JobPage.NotFoundAsync(request, id).ConfigureAwait(false);
            return;
        }

        if (!deleted)
        {
            var why = job.Status.IsTerminal()
                ? "this application's job store does not delete records (its IJobStore.DeleteAsync is not implemented); retention removes finished jobs."
                : $"the job is {job.Status}; only a finished job can be deleted. Cancel it first.";
            await JobPage.RenderAsync(request, id, Components.Notice($"Not deleted: {why}", "error"), StatusCodes.Status409Conflict).ConfigureAwait(false);
            return;
        }

        request.RedirectTo($"{request.Urls.List(job.Status, job.Queue)}&deleted={id}");
    }

    private static void Button(HtmlBuilder html, DashboardRequest request, JobId id, string action, string label, string help, string? confirm = null)
    {
        html.Add($"<form class=\"action\" method=\"post\" action=\"{request.Urls.Action(id, action)}\"");
        if (confirm is not null)
        {
            html.Add($" data-confirm=\"{confirm}\"");
        }

        html.Add($">{request.AntiforgeryField()}<button type=\"submit\" class=\"btn {(action == Delete ? "danger" : string.Empty)}\" id=\"{action}\">{label}</button> <span class=\"muted\">{help}</span></form>");
    }
}
