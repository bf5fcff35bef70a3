using BackgroundTasks.Benchmarks.Peers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BackgroundTasks.Benchmarks.Durable;

/// <summary>
/// BackgroundTasks on SQLite through its public API only: <c>AddBackgroundJobs(...).UseSqlite(file)</c> with the
/// store's defaults (WAL, <c>synchronous = NORMAL</c>, finished jobs kept up to 100,000 or a day), one worker per
/// core on the default queue, and the typed job <see cref="NoOpJob"/> registered as <c>"noop"</c>, enqueued with
/// <c>IJobQueue.EnqueueAsync&lt;NoOpJob, NoOpArgs&gt;</c>. Whatever the engine does with a SQLite store is what is
/// measured: when its workers claim jobs from the store, this contender measures that with no change here.
/// </summary>
public sealed class BackgroundTasksSqliteContender : IDurableContender
{
    /// <summary>
    /// Whether the engine runs jobs claimed from the SQLite store. While it is <see langword="false"/>, the engine
    /// runs jobs from its in-memory queue and only records them in the file, and the tables say so next to this
    /// row. Set it to <see langword="true"/> once the engine claims from the store.
    /// </summary>
    public const bool EngineClaimsFromStore = false;

    private IHost? _host;
    private IJobQueue? _queue;

    /// <inheritdoc/>
    public DurableContender Kind => DurableContender.BackgroundTasks;

    /// <summary>Gets the label of this contender's rows.</summary>
    public static string Label => EngineClaimsFromStore ? "BackgroundTasks" : "BackgroundTasks (not yet durable end to end)";

    /// <summary>Gets the settings, as the tables print them.</summary>
    public static string Settings => $"BackgroundTasks.Sqlite defaults (WAL, synchronous=NORMAL, group commit), {Environment.ProcessorCount} workers, typed job"
        + (EngineClaimsFromStore ? string.Empty : "; the engine runs jobs from memory and records them in the file: enqueue commits the row, but workers do not claim from the store");

    /// <inheritdoc/>
    public async Task StartAsync(string file)
    {
        _host = PeerHost.Create(services => services
            .AddBackgroundJobs(static o => o.Queues[BackgroundJobsOptions.DefaultQueueName].Workers = Environment.ProcessorCount)
            .UseSqlite(file)
            .AddJob<NoOpJob, NoOpArgs>("noop", DurableJsonContext.Default.NoOpArgs));
        await _host.StartAsync();
        _queue = _host.Services.GetRequiredService<IJobQueue>();
    }

    /// <inheritdoc/>
    public async ValueTask EnqueueAsync(DurableJob job) => await _queue!.EnqueueAsync<NoOpJob, NoOpArgs>(new NoOpArgs(job));

    /// <inheritdoc/>
    public async Task StopAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
            _host = null;
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync() => await StopAsync();
}
