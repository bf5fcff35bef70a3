using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BackgroundTasks.Benchmarks.Peers;

/// <summary>
/// BackgroundTasks: one default queue with one worker per core and the capacity of
/// <see cref="PeerSettings.QueueCapacity"/> (the library's default, 1,000, except in the enqueue-only
/// benchmark, where the whole batch fits). With <paramref name="userStore"/> the jobs are recorded in a store
/// as a user would write one from the README (a lock around a Dictionary, <see cref="Tests.DictionaryJobStore"/>)
/// instead of the built-in in-memory store.
/// </summary>
public sealed class BackgroundTasksContender(bool userStore) : IJobSystemContender
{
    private static readonly Func<JobContext, Task>[] s_bodies =
    [
        static _ => { JobBodies.Counted(); return Task.CompletedTask; },
        static _ => { JobBodies.Cpu(); return Task.CompletedTask; },
        static _ => { JobBodies.Probe(); return Task.CompletedTask; },
    ];

    private IHost? _host;
    private IJobQueue? _queue;

    /// <inheritdoc/>
    public Contender Kind => userStore ? Contender.BackgroundTasksUserStore : Contender.BackgroundTasks;

    /// <inheritdoc/>
    public async Task StartAsync()
    {
        _host = PeerHost.Create(services =>
        {
            var builder = services.AddBackgroundJobs(o =>
            {
                o.Queues[BackgroundJobsOptions.DefaultQueueName].Workers = PeerSettings.BackgroundTasksWorkers;
                o.Queues[BackgroundJobsOptions.DefaultQueueName].Capacity = PeerSettings.QueueCapacity;
            });
            if (userStore)
            {
                builder.UseStore(static _ => new Tests.DictionaryJobStore());
            }
        });
        await _host.StartAsync();
        _queue = _host.Services.GetRequiredService<IJobQueue>();
    }

    /// <inheritdoc/>
    public async Task StopAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
        }
    }

    /// <inheritdoc/>
    public ValueTask EnqueueAsync(JobBody body)
    {
        var enqueued = _queue!.EnqueueAsync(s_bodies[(int)body]);
        return enqueued.IsCompletedSuccessfully ? ValueTask.CompletedTask : AwaitAsync(enqueued);

        static async ValueTask AwaitAsync(ValueTask<JobId> pending) => await pending;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _host?.Dispose();
    }
}
