using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BackgroundTasks;

/// <summary>Registers job filters and state observers.</summary>
public sealed partial class BackgroundJobsBuilder
{
    /// <summary>
    /// Adds a filter that runs around every attempt of every job (retries too), after the filters added before it.
    /// <typeparamref name="TFilter"/> is added as a scoped service unless already registered, and resolved from
    /// each attempt's DI scope. Adding the same filter again does nothing.
    /// </summary>
    /// <typeparam name="TFilter">The filter.</typeparam>
    /// <returns>This builder.</returns>
    public BackgroundJobsBuilder AddJobFilter<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TFilter>()
        where TFilter : class, IJobFilter
    {
        foreach (var descriptor in Services)
        {
            if (descriptor.ServiceType == typeof(JobFilterRegistration) && descriptor.ImplementationInstance is JobFilterRegistration added && added.FilterType == typeof(TFilter))
            {
                return this;
            }
        }

        Services.TryAddScoped<TFilter>();
        Services.Add(ServiceDescriptor.Singleton(new JobFilterRegistration(typeof(TFilter))));
        return this;
    }

    /// <summary>Adds an observer, a singleton, called after every recorded change of a job's status. Adding the same observer type again does nothing.</summary>
    /// <typeparam name="TObserver">The observer.</typeparam>
    /// <returns>This builder.</returns>
    public BackgroundJobsBuilder AddJobStateObserver<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TObserver>()
        where TObserver : class, IJobStateObserver
    {
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<IJobStateObserver, TObserver>());
        return this;
    }

    /// <summary>Calls <paramref name="onStateChanged"/> after every recorded change of a job's status (see <see cref="IJobStateObserver"/>).</summary>
    /// <param name="onStateChanged">Called with each change; an exception it throws is logged and never changes the job.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="onStateChanged"/> is <see langword="null"/>.</exception>
    public BackgroundJobsBuilder OnStateChanged(Action<JobStateChange> onStateChanged)
    {
        ArgumentNullException.ThrowIfNull(onStateChanged);
        Services.AddSingleton<IJobStateObserver>(new DelegateStateObserver(onStateChanged));
        return this;
    }
}
