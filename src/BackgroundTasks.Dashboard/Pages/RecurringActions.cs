using System.Diagnostics.CodeAnalysis;
using BackgroundTasks.Recurring;
using Microsoft.AspNetCore.Http;

namespace BackgroundTasks.Dashboard;

/// <summary>
/// Pause, resume and trigger a recurring job: what each POST does. Each POST has passed <see cref="DashboardEndpoints"/>'
/// checks (access, read-only, same origin, antiforgery token); the buttons are on <see cref="RecurringPage"/>.
/// </summary>
internal static class RecurringActions
{
    public const string Pause = "pause";
    public const string Resume = "resume";
    public const string Trigger = "trigger";

    /// <summary>POST …/recurring/{name}/pause.</summary>
    public static Task PauseAsync(DashboardRequest request) => ChangeAsync(request, Pause, static (jobs, name, ct) => jobs.PauseAsync(name, ct));

    /// <summary>POST …/recurring/{name}/resume.</summary>
    public static Task ResumeAsync(DashboardRequest request) => ChangeAsync(request, Resume, static (jobs, name, ct) => jobs.UnpauseAsync(name, ct));

    /// <summary>POST …/recurring/{name}/trigger: enqueues the schedule's job now and says which job it is.</summary>
    public static async Task TriggerAsync(DashboardRequest request)
    {
        if (!TryGet(request, out var jobs, out var name))
        {
            await NotFoundAsync(request, name).ConfigureAwait(false);
            return;
        }

        JobId id;
        try
        {
            id = await jobs.TriggerAsync(name, request.Aborted).ConfigureAwait(false);
        }
        catch (KeyNotFoundException)
        {
            await NotFoundAsync(request, name).ConfigureAwait(false);
            return;
        }
        catch (Exception exception) when (exception is InvalidOperationException or JobQueueFullException)
        {
            await RecurringPage.RenderAsync(request, Components.Notice($"'{name}' was not triggered: {exception.Message}", "error"), StatusCodes.Status409Conflict).ConfigureAwait(false);
            return;
        }

        request.RedirectTo(request.Urls.RecurringDone(Trigger, name, id));
    }

    private static async Task ChangeAsync(DashboardRequest request, string action, Func<IRecurringJobs, string, CancellationToken, ValueTask<bool>> change)
    {
        if (!TryGet(request, out var jobs, out var name) || !await change(jobs, name, request.Aborted).ConfigureAwait(false))
        {
            await NotFoundAsync(request, name).ConfigureAwait(false);
            return;
        }

        request.RedirectTo(request.Urls.RecurringDone(action, name));
    }

    private static bool TryGet(DashboardRequest request, [NotNullWhen(true)] out IRecurringJobs? jobs, out string name)
    {
        name = request.Http.Request.RouteValues["name"] as string ?? string.Empty;
        jobs = request.Recurring;
        return jobs is not null;
    }

    private static Task NotFoundAsync(DashboardRequest request, string name)
        => RecurringPage.RenderAsync(
            request,
            request.Recurring is null ? null : Components.Notice($"No recurring job is named '{name}': it may have been removed.", "error"),
            StatusCodes.Status404NotFound);
}
