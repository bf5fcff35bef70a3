using System.Diagnostics.Metrics;
using BackgroundTasks;
using BackgroundTasks.Dashboard;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the background jobs health check to ASP.NET Core health checks.</summary>
public static class BackgroundJobsHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a health check of this host's background jobs: <see cref="HealthStatus.Unhealthy"/> when the worker pool
    /// does not run (the host has not started it, is stopping, or its loops ended) or the job store fails or does
    /// not answer a read within <see cref="BackgroundJobsHealthCheckOptions.StoreTimeout"/>;
    /// <see cref="HealthStatus.Degraded"/> when a queue stays full past
    /// <see cref="BackgroundJobsHealthCheckOptions.FullQueueThreshold"/> or the share of failed jobs reaches
    /// <see cref="BackgroundJobsHealthCheckOptions.FailureRateThreshold"/>; <see cref="HealthStatus.Healthy"/>
    /// otherwise. Failures are counted in this process from the <c>BackgroundTasks</c> meter from the moment the
    /// host starts. <c>AddBackgroundJobs</c> on the services registers the jobs themselves.
    /// </summary>
    /// <param name="builder">The builder from <c>services.AddHealthChecks()</c>.</param>
    /// <param name="configure">Sets the thresholds; <see langword="null"/> for the defaults.</param>
    /// <param name="name">The check's name in health reports.</param>
    /// <param name="tags">Tags to filter checks by, such as <c>"ready"</c>; <see langword="null"/> for none.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting made by <paramref name="configure"/> is out of its range.</exception>
    public static IHealthChecksBuilder AddBackgroundJobs(
        this IHealthChecksBuilder builder,
        Action<BackgroundJobsHealthCheckOptions>? configure = null,
        string name = "background-jobs",
        IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var options = new BackgroundJobsHealthCheckOptions();
        configure?.Invoke(options);
        options.Validate();

        var services = builder.Services;
        services.TryAddSingleton(static sp => new ThroughputRing(sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.TryAddSingleton(static sp => new JobMetricsListener(sp.GetRequiredService<ThroughputRing>(), sp.GetService<IMeterFactory>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, JobMetricsListenerStarter>());

        // One check per registration and application: it remembers since when each queue is full.
        services.AddKeyedSingleton(name, (sp, _) => new BackgroundJobsHealthCheck(sp.GetRequiredService<IJobMonitor>(), sp.GetRequiredService<ThroughputRing>(), options));
        return builder.Add(new HealthCheckRegistration(name, sp => sp.GetRequiredKeyedService<BackgroundJobsHealthCheck>(name), failureStatus: null, tags));
    }
}
