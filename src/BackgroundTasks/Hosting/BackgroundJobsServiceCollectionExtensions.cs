using BackgroundTasks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers background jobs in a service collection.</summary>
public static class BackgroundJobsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the job queue (<see cref="IJobQueue"/>), the monitor (<see cref="IJobMonitor"/>), the in-memory
    /// job store and the hosted worker pool. Calling it again only adds configuration: there is still one pool.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">Configures the options, validated when the host starts.</param>
    /// <returns>A builder for queues and the store.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static BackgroundJobsBuilder AddBackgroundJobs(this IServiceCollection services, Action<BackgroundJobsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<BackgroundJobsOptions>().ValidateOnStart();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BackgroundJobsOptions>, BackgroundJobsOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BackgroundJobsOptions>, JobRegistryValidator>());
        services.TryAddSingleton<JobRegistry>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<InMemoryJobStoreOptions>();
        services.TryAddSingleton<IJobStore>(static sp => new InMemoryJobStore(
            sp.GetRequiredService<IOptions<InMemoryJobStoreOptions>>().Value,
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<JobHooks>();
        services.TryAddSingleton<JobEngine>();
        services.TryAddSingleton<IJobQueue>(static sp => sp.GetRequiredService<JobEngine>());
        services.TryAddSingleton<IJobMonitor, JobMonitor>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, JobWorkerService>());
        return new BackgroundJobsBuilder(services);
    }
}
