using BackgroundTasks;
using BackgroundTasks.Recurring;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds recurring jobs: typed jobs enqueued on cron schedules.</summary>
public static class RecurringBackgroundJobsBuilderExtensions
{
    /// <summary>
    /// Enqueues a typed job on a cron schedule, from the host's start on. Each occurrence is enqueued once, with the
    /// unique key <c>recurring:{name}:{due time in UTC}</c>, also when several hosts share a durable store and run the
    /// same schedule.
    /// </summary>
    /// <remarks>
    /// At start-up the recurring job is saved to the store (when it keeps recurring jobs), replacing one of the same name:
    /// the last host to start wins, as with <see cref="IRecurringJobs.AddOrUpdateAsync{TJob, TArgs}"/>. Whether it is
    /// paused, and its last run, stay as the store has them. Removing the call from code does not remove it from the
    /// store: remove it with <see cref="IRecurringJobs.RemoveAsync"/>.
    /// </remarks>
    /// <typeparam name="TJob">The typed job, registered with <c>AddJob&lt;TJob, TArgs&gt;</c> as well.</typeparam>
    /// <typeparam name="TArgs">The job's arguments.</typeparam>
    /// <param name="builder">The builder from <c>AddBackgroundJobs</c>.</param>
    /// <param name="name">The schedule's name: 1 to 100 characters, each an ASCII letter or digit, '-', '_' or '.'.</param>
    /// <param name="cron">A cron expression read by Cronos: five fields, or six with seconds first.</param>
    /// <param name="args">The arguments every occurrence gets.</param>
    /// <param name="timeZone">The time zone the expression is read in (daylight saving included); <see langword="null"/> for UTC.</param>
    /// <param name="configure">Sets the queue, priority and misfire policy; <see langword="null"/> for the defaults.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The name is invalid or taken by another recurring job, or the cron expression is invalid.</exception>
    public static BackgroundJobsBuilder AddRecurringJob<TJob, TArgs>(this BackgroundJobsBuilder builder, string name, string cron, TArgs args, TimeZoneInfo? timeZone = null, Action<RecurringJobOptions>? configure = null)
        where TJob : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new RecurringJobOptions();
        configure?.Invoke(options);
        var definition = RecurringJobDefinition.Create<TJob, TArgs>(name, cron, args, timeZone, options);
        if (builder.Services.Any(d => d.ServiceType == typeof(RecurringJobDefinition) && d.ImplementationInstance is RecurringJobDefinition other && other.Name == name))
        {
            throw new ArgumentException($"A recurring job named '{name}' is added already; give each schedule a name of its own.", nameof(name));
        }

        builder.Services.AddSingleton(definition);
        return builder.AddRecurringJobs();
    }

    /// <summary>Adds the scheduler and <see cref="IRecurringJobs"/>, to add schedules at run time. <c>AddRecurringJob</c> calls it; calling it again does nothing.</summary>
    /// <param name="builder">The builder from <c>AddBackgroundJobs</c>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static BackgroundJobsBuilder AddRecurringJobs(this BackgroundJobsBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<RecurringScheduler>();
        builder.Services.TryAddSingleton<IRecurringJobs>(static sp => sp.GetRequiredService<RecurringScheduler>());
        builder.Services.TryAddSingleton<IRecurringJobLister>(static sp => sp.GetRequiredService<RecurringScheduler>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RecurringScheduler>(static sp => sp.GetRequiredService<RecurringScheduler>()));
        return builder;
    }
}
