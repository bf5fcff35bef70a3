using BackgroundTasks.Benchmarks.Peers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Quartz;

namespace BackgroundTasks.Benchmarks.Durable;

/// <summary>
/// Quartz.NET, hosted, with its ADO job store on SQLite through Microsoft.Data.Sqlite: the schema that ships in the
/// Quartz package (<c>ProvisionSchema()</c>, its embedded SQLite script), a thread pool with one slot per core, a
/// trigger batch of one per slot (the store's automatic size), a misfire threshold of an hour (a backlog of one-off
/// triggers never counts as misfired), WAL set on the file and <c>synchronous = NORMAL</c> on each connection it
/// opens. Each job is a job detail that requests recovery, with a one-shot "start now" trigger; both are rows in
/// the file until the trigger has fired, and the job detail is not stored durably, so Quartz deletes it once its
/// trigger is done. A scheduler that starts on a file whose previous scheduler died re-fires the recoverable jobs
/// that were running (same instance id, not clustered). Quartz wakes its scheduler thread when a job is scheduled
/// in the same process, so no polling is involved.
/// </summary>
public sealed class QuartzSqliteContender : IDurableContender
{
    private IHost? _host;
    private IScheduler? _scheduler;

    /// <inheritdoc/>
    public DurableContender Kind => DurableContender.Quartz;

    /// <summary>Gets the settings, as the tables print them.</summary>
    public static string Settings => $"Quartz 4.7.3 ADO job store (SQLite-Microsoft, schema from the package): {Environment.ProcessorCount} threads, MaxBatchSize {Environment.ProcessorCount}, RequestRecovery, WAL, synchronous=NORMAL";

    /// <inheritdoc/>
    public async Task StartAsync(string file)
    {
        SqliteFiles.CreateInWalMode(file);
        _host = PeerHost.Create(services =>
        {
            services.AddQuartz(q =>
            {
                q.ConfigureScheduler(static s => s.MaxBatchSize = Environment.ProcessorCount);
                q.UseDefaultThreadPool(Environment.ProcessorCount);
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
