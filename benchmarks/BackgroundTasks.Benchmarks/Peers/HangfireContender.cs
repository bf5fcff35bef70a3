using Hangfire;
using Hangfire.InMemory;

namespace BackgroundTasks.Benchmarks.Peers;

/// <summary>
/// Hangfire with Hangfire.InMemory storage: a <see cref="BackgroundJobServer"/> with one worker per core,
/// long ids, the 1.8 data format, the simple type serializer and logging off. Hangfire.InMemory wakes an
/// idle worker when a job is enqueued, so no polling interval is involved for immediate jobs.
/// </summary>
public sealed class HangfireContender : IJobSystemContender
{
    private InMemoryStorage? _storage;
    private BackgroundJobServer? _server;
    private BackgroundJobClient? _client;

    /// <inheritdoc/>
    public Contender Kind => Contender.Hangfire;

    /// <inheritdoc/>
    public Task StartAsync()
    {
        _storage = new InMemoryStorage(new InMemoryStorageOptions
        {
            IdType = InMemoryStorageIdType.Long,
            MaxExpirationTime = TimeSpan.FromMinutes(5),
        });
        GlobalConfiguration.Configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseNoOpLogProvider()
            .UseStorage(_storage);
        _server = new BackgroundJobServer(
            new BackgroundJobServerOptions
            {
                WorkerCount = PeerSettings.Workers,
                Queues = ["default"],
                SchedulePollingInterval = TimeSpan.FromSeconds(1),
            },
            _storage);
        _client = new BackgroundJobClient(_storage);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task StopAsync()
    {
        _server?.SendStop();
        _server?.Dispose();
        _server = null;
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask EnqueueAsync(JobBody body)
    {
        _ = body switch
        {
            JobBody.Cpu => _client!.Enqueue(() => HangfireJobs.Cpu()),
            JobBody.Probe => _client!.Enqueue(() => HangfireJobs.Probe()),
            _ => _client!.Enqueue(() => HangfireJobs.Counted()),
        };
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _storage?.Dispose();
    }
}
