using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BackgroundTasks;

/// <summary>Configures background jobs further: named queues, typed jobs and the job store. Returned by <c>AddBackgroundJobs</c>.</summary>
public sealed partial class BackgroundJobsBuilder
{
    internal BackgroundJobsBuilder(IServiceCollection services) => Services = services;

    /// <summary>Gets the application's services.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Adds a named queue, or configures it further if it exists (the default queue included).</summary>
    /// <param name="name">The queue's name, used in <see cref="JobOptions.Queue"/>.</param>
    /// <param name="configure">Sets the queue's workers, capacity, full mode and job defaults.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null, empty or white space.</exception>
    public BackgroundJobsBuilder AddQueue(string name, Action<JobQueueOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Services.Configure<BackgroundJobsOptions>(options =>
        {
            if (!options.Queues.TryGetValue(name, out var queue))
            {
                options.Queues[name] = queue = new JobQueueOptions();
            }

            configure?.Invoke(queue);
        });
        return this;
    }

    /// <summary>Configures the retention of the default in-memory store: how long, and how many, finished jobs it keeps.</summary>
    /// <param name="configure">Sets the retention rules.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="configure"/> is <see langword="null"/>.</exception>
    public BackgroundJobsBuilder ConfigureInMemoryStore(Action<InMemoryJobStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        return this;
    }

    /// <summary>Stores jobs in <typeparamref name="TStore"/>, a singleton resolved from DI, instead of the in-memory store.</summary>
    /// <typeparam name="TStore">The store.</typeparam>
    /// <returns>This builder.</returns>
    public BackgroundJobsBuilder UseStore<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TStore>()
        where TStore : class, IJobStore
    {
        Services.Replace(ServiceDescriptor.Singleton<IJobStore, TStore>());
        return this;
    }

    /// <summary>Stores jobs in the store that <paramref name="factory"/> makes, instead of the in-memory store.</summary>
    /// <param name="factory">Makes the store, once.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="factory"/> is <see langword="null"/>.</exception>
    public BackgroundJobsBuilder UseStore(Func<IServiceProvider, IJobStore> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.Replace(ServiceDescriptor.Singleton(factory));
        return this;
    }
}
