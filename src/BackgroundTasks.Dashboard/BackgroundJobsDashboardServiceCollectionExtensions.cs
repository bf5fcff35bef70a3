using System.Diagnostics.Metrics;
using BackgroundTasks.Dashboard;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the BackgroundTasks dashboard's services.</summary>
public static class BackgroundJobsDashboardServiceCollectionExtensions
{
    /// <summary>
    /// Adds what <c>MapBackgroundJobsDashboard</c> needs: ASP.NET Core antiforgery (for the action buttons), the
    /// dashboard's options, and the per-minute throughput counts, which listen to the <c>BackgroundTasks</c> meter
    /// from the moment a dashboard is mapped. Calling it again only adds configuration.
    /// </summary>
    /// <param name="services">The application's services; <c>AddBackgroundJobs</c> registers the jobs themselves.</param>
    /// <param name="configure">Sets the options of every dashboard; a dashboard's own <c>MapBackgroundJobsDashboard</c> call may change them further.</param>
    /// <returns>The same service collection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddBackgroundJobsDashboard(this IServiceCollection services, Action<BackgroundJobsDashboardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddAntiforgery();
        services.AddOptions<BackgroundJobsDashboardOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton(static sp => new ThroughputRing(sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.TryAddSingleton(static sp => new JobMetricsListener(sp.GetRequiredService<ThroughputRing>(), sp.GetService<IMeterFactory>()));
        return services;
    }
}
