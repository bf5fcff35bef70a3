using BackgroundTasks.Benchmarks.Peers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Quartz;

namespace BackgroundTasks.Benchmarks.Durable;

/// <summary>
/// Quartz.NET, hosted, with its ADO job store on SQLite through Microsoft.Data.Sqlite: the schema that ships in the
/// Quartz package (<c>ProvisionSchema()</c>, its embedded SQLite script), a thread pool of <paramref name="workers"/>
/// threads, a trigger batch of one per thread, a misfire threshold of an hour (a backlog of one-off
/// triggers never counts as misfired), WAL set on the file and <c>synchronous = NORMAL</c> on each connection it
/// opens. Each job is a job detail that requests recovery, with a one-shot "start now" trigger; both are rows in
/// the file until the trigger has fired, and the job detail is not stored durably, so Quartz deletes it once its
/// trigger is done. A scheduler that starts on a file whose previous scheduler died re-fires the recoverable jobs
/// that were running (same instance id, not clustered). Quartz wakes its scheduler thread when a job is scheduled
/// in the same process, so no polling is involved.
/// </summary>
/// <param name="workers">The thread pool's size and the trigger batch (<c>MaxBatchSize</c>).</param>
public sealed class QuartzSqliteContender(int workers) : IDurableContender
{
    private IHost? _host;
    private IScheduler? _scheduler;

    /// <inheritdoc/>
    public DurableContender Kind => DurableContender.Quartz;

    /// <summary>Gets the settings, as the tables print them.</summary>
    /// <param name="workers">The thread pool's size and the trigger batch.</param>
    public static string Settings(int workers) => $"Quartz 4.7.3 ADO job store (SQLite-Microsoft, schema from the package): {workers} threads, MaxBatchSize {workers}, RequestRecovery, WAL, synchronous=NORMAL";

    /// <inheritdoc/>
    public async Task StartAsync(string file)
    {
        SqliteFiles.CreateInWalMode(file);
        _host = PeerHost.Create(services =>
        {
            services.AddQuartz(q =>
            {
                q.ConfigureScheduler(s => s.MaxBatchSize = workers);
                q.UseDefaultThreadPool(workers);
                q.UsePersistentStore(store =>
                {
                    store.UseSqlite(NormalSyncSqliteFactory.Instance, SqliteFiles.ConnectionString(file));
                    store.ProvisionSchema();
                    store.ConfigureStore(static o => o.MisfireThreshold = TimeSpan.FromHours(1));
                });
            });
            services.AddQuartzHostedService(static o => o.WaitForJobsToComplete = false);
        });
        await _host.StartAsync();
        _scheduler = await _host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
    }

    /// <inheritdoc/>
    public async ValueTask EnqueueAsync(DurableJob job)
    {
        var detail = job switch
        {
            DurableJob.Probe => JobBuilder.Create<QuartzProbeJob>().RequestRecovery(true).Build(),
            DurableJob.UntilKilled => JobBuilder.Create<QuartzUntilKilledJob>().RequestRecovery(true).Build(),
            _ => JobBuilder.Create<QuartzCountedJob>().RequestRecovery(true).Build(),
        };
        await _scheduler!.ScheduleJob(detail, TriggerBuilder.Create().StartNow().Build());
    }

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
