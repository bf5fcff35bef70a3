using BackgroundTasks.Benchmarks.Peers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BackgroundTasks.Benchmarks.Durable;

/// <summary>
/// BackgroundTasks on SQLite through its public API only: <c>AddBackgroundJobs(...).UseSqlite(file)</c> with the
/// store's defaults (WAL, <c>synchronous = NORMAL</c>, a 5-second lease, finished jobs kept up to 100,000 or a
/// day), <paramref name="workers"/> workers on the default queue, and the typed job <see cref="NoOpJob"/> registered as
/// <c>"noop"</c>, enqueued with <c>IJobQueue.EnqueueAsync&lt;NoOpJob, NoOpArgs&gt;</c>. The engine's workers run
/// the jobs they claim from the store. The recovery job (<see cref="DurableJob.UntilKilled"/>) is enqueued with
/// <see cref="RecoverableAttempts"/> attempts, as the peers' recovery jobs are retried or marked for recovery: with
/// the default of one attempt, a killed attempt is recorded Failed as abandoned instead of running again.
/// </summary>
/// <param name="workers">The default queue's <see cref="JobQueueOptions.Workers"/>.</param>
/// <param name="hostName">
/// The <see cref="BackgroundJobsOptions.HostName"/>: a host started again under the same name recovers its earlier
/// instance's jobs at once; <see langword="null"/> keeps the default (machine and entry assembly).
/// </param>
/// <param name="leaseDuration">The store's <c>SqliteJobStoreOptions.LeaseDuration</c>; <see langword="null"/> keeps its default.</param>
public sealed class BackgroundTasksSqliteContender(int workers, string? hostName = null, TimeSpan? leaseDuration = null) : IDurableContender
{
    /// <summary>The attempts of the recovery job: the killed one and the one that recovers it, and one to spare.</summary>
    public const int RecoverableAttempts = 3;

    private static readonly JobOptions s_recoverable = new() { MaxAttempts = RecoverableAttempts };

    /// <summary>
    /// Whether the engine runs jobs claimed from the SQLite store. While it is <see langword="false"/>, the engine
    /// runs jobs from its in-memory queue and only records them in the file, and the tables say so next to this
    /// row. Set it to <see langword="true"/> once the engine claims from the store.
    /// </summary>
    public const bool EngineClaimsFromStore = true;

    private IHost? _host;
    private IJobQueue? _queue;

    /// <inheritdoc/>
    public DurableContender Kind => DurableContender.BackgroundTasks;

    /// <summary>Gets the label of this contender's rows.</summary>
    public static string Label => EngineClaimsFromStore ? "BackgroundTasks" : "BackgroundTasks (not yet durable end to end)";

    /// <summary>Gets the settings, as the tables print them.</summary>
    /// <param name="workers">The default queue's workers.</param>
    public static string Settings(int workers) => $"BackgroundTasks.Sqlite defaults (WAL, synchronous=NORMAL, group commit, LeaseDuration {new BackgroundTasks.Sqlite.SqliteJobStoreOptions().LeaseDuration.TotalSeconds:N0} s), {workers} workers claiming from the store, typed job; the recovery job has MaxAttempts = {RecoverableAttempts}"
        + (EngineClaimsFromStore ? string.Empty : "; the engine runs jobs from memory and records them in the file: enqueue commits the row, but workers do not claim from the store");

    /// <inheritdoc/>
    public async Task StartAsync(string file)
    {
        _host = PeerHost.Create(services => services
            .AddBackgroundJobs(o =>
            {
                o.Queues[BackgroundJobsOptions.DefaultQueueName].Workers = workers;
                if (hostName is not null)
                {
                    o.HostName = hostName;
                }
            })
            .UseSqlite(file, o =>
            {
                if (leaseDuration is { } lease)
                {
                    o.LeaseDuration = lease;
                }
            })
            .AddJob<NoOpJob, NoOpArgs>("noop", DurableJsonContext.Default.NoOpArgs));
        await _host.StartAsync();
        _queue = _host.Services.GetRequiredService<IJobQueue>();
    }

    /// <inheritdoc/>
    public async ValueTask EnqueueAsync(DurableJob job)
        => await _queue!.EnqueueAsync<NoOpJob, NoOpArgs>(new NoOpArgs(job), job == DurableJob.UntilKilled ? s_recoverable : null);

    /// <summary>Enqueues <paramref name="count"/> no-op jobs in one call; returns once they are committed (one transaction).</summary>
    /// <param name="count">How many jobs.</param>
    /// <returns>A task that completes once the jobs are committed.</returns>
    public async ValueTask EnqueueManyAsync(int count)
        => await _queue!.EnqueueManyAsync<NoOpJob, NoOpArgs>(Enumerable.Repeat(new NoOpArgs(DurableJob.NoOp), count));

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
