using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace BackgroundTasks.Testing;

/// <summary>How a <see cref="JobsTestHost"/> changes the application's services: a fake clock, and the store and queue observed.</summary>
internal static class TestServices
{
    /// <summary>
    /// Makes a fake clock the <see cref="TimeProvider"/>, watched for the timers set on it: the application's own
    /// <see cref="FakeTimeProvider"/>, if it registers one, else a new one.
    /// </summary>
    public static WatchedClock UseFakeClock(IServiceCollection services, DateTimeOffset startTime, HostActivity activity)
    {
        var fake = Last<TimeProvider>(services)?.ImplementationInstance as FakeTimeProvider ?? new FakeTimeProvider(startTime);
        var clock = new WatchedClock(fake, activity);
        services.RemoveAll<TimeProvider>();
        services.AddSingleton<TimeProvider>(clock);
        return clock;
    }

    /// <summary>Puts the <see cref="ObservedJobStore"/> in front of the configured store.</summary>
    public static void ObserveStore(IServiceCollection services, HostActivity activity, EnqueueLog log)
    {
        var configured = Last<IJobStore>(services)!;
        services.RemoveAll<IJobStore>();
        services.AddSingleton<IJobStore>(provider =>
        {
            var store = Create<IJobStore>(configured, provider);
            var ownsStore = configured.ImplementationInstance is null;
            if (store is IDurableJobStore)
            {
                if (ownsStore)
                {
                    (store as IDisposable)?.Dispose();
                }

                throw new NotSupportedException(
                    $"JobsTestHost runs jobs on a store that is not durable, but the services configure {store.GetType().Name}, a durable store. "
                    + "Leave the store out of the test host (the in-memory store is used), or use a store of your own that is not an IDurableJobStore.");
            }

            return new ObservedJobStore(store, ownsStore, activity, log);
        });
    }

    /// <summary>Puts the <see cref="ObservedJobQueue"/> in front of the engine.</summary>
    public static void ObserveQueue(IServiceCollection services, EnqueueLog log, InlineRuns inline)
    {
        var configured = Last<IJobQueue>(services)!;
        services.RemoveAll<IJobQueue>();

        // The engine behind it belongs to the container, which disposes it.
        services.AddSingleton<IJobQueue>(provider => new ObservedJobQueue(Create<IJobQueue>(configured, provider), log, inline));
    }

    private static ServiceDescriptor? Last<T>(IServiceCollection services)
        => services.LastOrDefault(static d => d.ServiceType == typeof(T) && !d.IsKeyedService);

    private static T Create<T>(ServiceDescriptor descriptor, IServiceProvider provider)
        where T : class
        => descriptor switch
        {
            { ImplementationInstance: T instance } => instance,
            { ImplementationFactory: { } factory } => (T)factory(provider),
            { ImplementationType: { } type } => (T)ActivatorUtilities.CreateInstance(provider, type),
            _ => throw new InvalidOperationException($"The {typeof(T).Name} registration cannot be created: {descriptor}."),
        };
}
