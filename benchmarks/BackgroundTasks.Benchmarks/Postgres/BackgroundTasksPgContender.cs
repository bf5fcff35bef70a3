using BackgroundTasks.Benchmarks.Peers;
using BackgroundTasks.PostgreSql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BackgroundTasks.Benchmarks.Postgres;

/// <summary>
/// BackgroundTasks on PostgreSQL through its public API only: <c>AddBackgroundJobs(...).UseNpgsql(connectionString)</c>
/// with the store's defaults, one worker per core on the default queue, and the typed job <see cref="PgNoOpJob"/>
/// registered as <c>"noop"</c>, enqueued with <c>IJobQueue.EnqueueAsync&lt;PgNoOpJob, PgNoOpArgs&gt;</c>. The
/// recovery job (<see cref="PgJob.UntilKilled"/>) is enqueued with <see cref="RecoverableAttempts"/> attempts, as the
/// peers' recovery jobs are retried or marked for recovery: with the default of one attempt, a killed attempt is
/// recorded Failed as abandoned instead of running again. Compiled only where <c>src/BackgroundTasks.PostgreSql</c>
/// exists (see the benchmark project).
/// </summary>
/// <param name="hostName">The <see cref="BackgroundJobsOptions.HostName"/>, or <see langword="null"/> for the default.</param>
public sealed class BackgroundTasksPgContender(string? hostName = null) : IPgContender
{
    /// <summary>The attempts of the recovery job: the killed one and the one that recovers it, and one to spare.</summary>
    public const int RecoverableAttempts = 3;

    private static readonly JobOptions s_recoverable = new() { MaxAttempts = RecoverableAttempts };

    private IHost? _host;
    private IJobQueue? _queue;

    /// <inheritdoc/>
    public PgContender Kind => PgContender.BackgroundTasks;

    /// <summary>Gets the settings, as the tables print them.</summary>
    public static string Settings => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"BackgroundTasks.PostgreSql with its defaults (UseNpgsql(connectionString): LISTEN/NOTIFY wake-up, LeaseDuration {new PostgreSqlJobStoreOptions().LeaseDuration.TotalSeconds:N0} s), {Environment.ProcessorCount} workers per host claiming from the database, typed job; the recovery job has MaxAttempts = {RecoverableAttempts}");

    /// <inheritdoc/>
    public async Task StartAsync(string connectionString)
    {
        _host = PeerHost.Create(services => services
            .AddBackgroundJobs(o =>
            {
                o.Queues[BackgroundJobsOptions.DefaultQueueName].Workers = Environment.ProcessorCount;
                if (hostName is not null)
                {
                    o.HostName = hostName;
                }
            })
            .UseNpgsql(connectionString)
            .AddJob<PgNoOpJob, PgNoOpArgs>("noop", PgJsonContext.Default.PgNoOpArgs));
        await _host.StartAsync();
        _queue = _host.Services.GetRequiredService<IJobQueue>();
    }

    /// <inheritdoc/>
    public async ValueTask EnqueueAsync(PgJob job)
        => await _queue!.EnqueueAsync<PgNoOpJob, PgNoOpArgs>(new PgNoOpArgs(job), job == PgJob.UntilKilled ? s_recoverable : null);

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
