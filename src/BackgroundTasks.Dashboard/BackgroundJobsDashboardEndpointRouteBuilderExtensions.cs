using BackgroundTasks;
using BackgroundTasks.Dashboard;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the BackgroundTasks dashboard.</summary>
public static class BackgroundJobsDashboardEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the dashboard under <paramref name="pattern"/>: the overview, job lists, each job's page with live
    /// progress, and (unless <see cref="BackgroundJobsDashboardOptions.ReadOnly"/>) cancel, retry and delete.
    /// </summary>
    /// <param name="endpoints">The application's endpoints.</param>
    /// <param name="pattern">Where the dashboard lives: a plain path such as <c>"/jobs"</c>.</param>
    /// <returns>
    /// The dashboard's route group, for conventions on all its endpoints: <c>.RequireAuthorization("ops")</c>
    /// opens it to the users the policy allows. Without an authorization policy (or <c>AllowAnonymous</c>) it
    /// answers only requests from this machine, and others get 403 Forbidden.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> or <paramref name="pattern"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="pattern"/> is not a plain path starting with '/', or an option is out of its range.</exception>
    /// <exception cref="InvalidOperationException"><c>AddBackgroundJobsDashboard</c> or <c>AddBackgroundJobs</c> was not called.</exception>
    public static IEndpointConventionBuilder MapBackgroundJobsDashboard(this IEndpointRouteBuilder endpoints, string pattern = "/jobs")
        => Map(endpoints, pattern, configure: null);

    /// <summary>Maps a dashboard with options of its own, starting from those of <c>AddBackgroundJobsDashboard</c>.</summary>
    /// <param name="endpoints">The application's endpoints.</param>
    /// <param name="pattern">Where the dashboard lives: a plain path such as <c>"/jobs"</c>.</param>
    /// <param name="configure">Changes this dashboard's options, for example <c>options => options.ReadOnly = true</c>.</param>
    /// <returns>The dashboard's route group; see <see cref="MapBackgroundJobsDashboard(IEndpointRouteBuilder, string)"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="pattern"/> is not a plain path starting with '/', or an option is out of its range.</exception>
    /// <exception cref="InvalidOperationException"><c>AddBackgroundJobsDashboard</c> or <c>AddBackgroundJobs</c> was not called.</exception>
    public static IEndpointConventionBuilder MapBackgroundJobsDashboard(this IEndpointRouteBuilder endpoints, string pattern, Action<BackgroundJobsDashboardOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return Map(endpoints, pattern, configure);
    }

    private static RouteGroupBuilder Map(IEndpointRouteBuilder endpoints, string pattern, Action<BackgroundJobsDashboardOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var prefix = DashboardSite.NormalizePattern(pattern);
        var services = endpoints.ServiceProvider;
        var known = services.GetRequiredService<IServiceProviderIsService>();
        if (!known.IsService(typeof(ThroughputRing)))
        {
            throw new InvalidOperationException("The BackgroundTasks dashboard's services are missing: call builder.Services.AddBackgroundJobsDashboard() before building the app.");
        }

        if (!known.IsService(typeof(IJobMonitor)))
        {
            throw new InvalidOperationException("The BackgroundTasks dashboard shows background jobs, but none are registered: call builder.Services.AddBackgroundJobs() before building the app.");
        }

        var options = services.GetRequiredService<IOptions<BackgroundJobsDashboardOptions>>().Value.Clone();
        configure?.Invoke(options);
        options.Validate();

        // Counting starts now, before the first page is asked for.
        services.GetRequiredService<JobMetricsListener>();
        return DashboardEndpoints.Map(endpoints, new DashboardSite(prefix, options));
    }
}
