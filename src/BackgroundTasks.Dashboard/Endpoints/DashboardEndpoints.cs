using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BackgroundTasks.Dashboard;

/// <summary>
/// The dashboard's endpoints, in one route group, each behind the same checks: access (an authorization
/// policy, or else local requests only), and for actions also read-only mode, the request's origin and the
/// antiforgery token.
/// </summary>
internal static class DashboardEndpoints
{
    private const string LocalOnly = "The BackgroundTasks dashboard answers only requests from this machine until you protect it with a policy: "
        + "app.MapBackgroundJobsDashboard(\"/jobs\").RequireAuthorization(\"your-policy\").";

    public static RouteGroupBuilder Map(IEndpointRouteBuilder endpoints, DashboardSite site)
    {
        var group = endpoints.MapGroup(site.Prefix.Length == 0 ? "/" : site.Prefix);
        group.ExcludeFromDescription();
        Get(group, site, string.Empty, "overview", OverviewPage.RenderAsync);
        Get(group, site, "/list", "job list", JobListPage.RenderAsync);
        Get(group, site, "/waiting", "scheduled and retrying jobs", WaitingPage.RenderAsync);
        Get(group, site, "/find", "find a job", FindAsync);
        Get(group, site, "/job/{id}", "job", request => WithIdAsync(request, id => JobPage.RenderAsync(request, id)));
        Get(group, site, "/job/{id}/events", "job events", request => WithIdAsync(request, id => JobEvents.StreamAsync(request, id)));
        Post(group, site, "/job/{id}/" + JobActions.Cancel, "cancel", request => WithIdAsync(request, id => JobActions.CancelAsync(request, id)));
        Post(group, site, "/job/{id}/" + JobActions.Retry, "retry", request => WithIdAsync(request, id => JobActions.RetryAsync(request, id)));
        Post(group, site, "/job/{id}/" + JobActions.Delete, "delete", request => WithIdAsync(request, id => JobActions.DeleteAsync(request, id)));
        Post(group, site, "/bulk", "bulk action", BulkActions.HandleAsync);
        Get(group, site, "/recurring", "recurring jobs", RecurringPage.RenderAsync);
        Post(group, site, "/recurring/{name}/" + RecurringActions.Pause, "pause schedule", RecurringActions.PauseAsync);
        Post(group, site, "/recurring/{name}/" + RecurringActions.Resume, "resume schedule", RecurringActions.ResumeAsync);
        Post(group, site, "/recurring/{name}/" + RecurringActions.Trigger, "trigger schedule", RecurringActions.TriggerAsync);
        group.MapGet("/assets/{file}", ServeAssetAsync).WithDisplayName("BackgroundTasks dashboard: assets");
        return group;
    }

    private static void Get(RouteGroupBuilder group, DashboardSite site, string pattern, string name, Func<DashboardRequest, Task> page)
        => group.MapGet(pattern, async context =>
        {
            if (!DashboardAccess.IsAllowed(context))
            {
                await RefuseAsync(context, StatusCodes.Status403Forbidden, LocalOnly).ConfigureAwait(false);
                return;
            }

            await page(new DashboardRequest(context, site)).ConfigureAwait(false);
        }).WithDisplayName($"BackgroundTasks dashboard: {name}");

    private static void Post(RouteGroupBuilder group, DashboardSite site, string pattern, string name, Func<DashboardRequest, Task> action)
        => group.MapPost(pattern, async context =>
        {
            if (!DashboardAccess.IsAllowed(context))
            {
                await RefuseAsync(context, StatusCodes.Status403Forbidden, LocalOnly).ConfigureAwait(false);
                return;
            }

            if (site.Options.ReadOnly)
            {
                await RefuseAsync(context, StatusCodes.Status403Forbidden, "This dashboard is read-only: its actions (cancel, retry, delete, pause, resume, trigger) are turned off.").ConfigureAwait(false);
                return;
            }

            if (!CrossSiteCheck.IsSameOrigin(context.Request))
            {
                await RefuseAsync(context, StatusCodes.Status403Forbidden, "Refused: the request comes from another site. Actions are taken only from the dashboard's own pages.").ConfigureAwait(false);
                return;
            }

            if (!await context.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(context).ConfigureAwait(false))
            {
                await RefuseAsync(context, StatusCodes.Status400BadRequest, "Refused: the form's antiforgery token is missing or invalid. Reload the dashboard's page and try again.").ConfigureAwait(false);
                return;
            }

            await action(new DashboardRequest(context, site)).ConfigureAwait(false);
        }).WithDisplayName($"BackgroundTasks dashboard: {name}");

    private static Task WithIdAsync(DashboardRequest request, Func<JobId, Task> handle)
        => JobId.TryParse(request.Http.Request.RouteValues["id"] as string, out var id)
            ? handle(id)
            : JobPage.NotFoundAsync(request, null);

    /// <summary>GET …/find?id=: goes to the job with that id.</summary>
    private static Task FindAsync(DashboardRequest request)
    {
        if (JobId.TryParse(request.Query("id")?.Trim(), out var id))
        {
            request.Http.Response.StatusCode = StatusCodes.Status302Found;
            request.Http.Response.Headers.Location = request.Urls.Job(id);
            return Task.CompletedTask;
        }

        return JobPage.NotFoundAsync(request, null);
    }

    private static async Task ServeAssetAsync(HttpContext context)
    {
        if (!DashboardAccess.IsAllowed(context))
        {
            await RefuseAsync(context, StatusCodes.Status403Forbidden, LocalOnly).ConfigureAwait(false);
            return;
        }

        if (!EmbeddedAssets.TryGet(context.Request.RouteValues["file"] as string ?? string.Empty, out var asset))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var headers = context.Response.Headers;
        headers.ETag = asset.ETag;
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = context.Request.Query["v"] == asset.Version ? "public, max-age=31536000, immutable" : "no-cache";
        if (context.Request.Headers.IfNoneMatch == asset.ETag)
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        context.Response.ContentType = asset.ContentType;
        context.Response.ContentLength = asset.Content.Length;
        await context.Response.Body.WriteAsync(asset.Content, context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task RefuseAsync(HttpContext context, int statusCode, string message)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsync(message, context.RequestAborted).ConfigureAwait(false);
    }
}
