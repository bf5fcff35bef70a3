using BackgroundTasks.Benchmarks.Peers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Quartz;

namespace BackgroundTasks.Benchmarks.Postgres;

/// <summary>
/// Quartz.NET, hosted, with its ADO job store on PostgreSQL through Npgsql, clustered: every host is a scheduler
/// instance (<c>UseClustering()</c> generates an instance id per process) of the default scheduler name on the same tables, so any instance fires any trigger,
/// and an instance that misses its check-ins is declared dead by another, which re-fires the jobs it was running
/// that request recovery. The tables come from the PostgreSQL script embedded in the Quartz package
/// (<c>ProvisionSchema()</c>, which creates what is missing). A thread pool with one slot per core, a trigger batch of
/// up to one per slot, a misfire threshold of an hour (a backlog of one-off triggers never counts as misfired), and
/// the clustering defaults (a check-in interval, and a threshold past a missed check-in before another instance
/// declares it dead). Each job is a job
/// detail that requests recovery, with a one-shot "start now" trigger; it is not stored durably, so Quartz deletes
/// it once its trigger has fired. Scheduling a job wakes the scheduler thread of the same process; another process's
/// scheduler finds it at its next acquisition.
/// </summary>
public sealed class QuartzPgContender : IPgContender
{
    private IHost? _host;
    private IScheduler? _scheduler;

    /// <inheritdoc/>
    public PgContender Kind => PgContender.Quartz;

    /// <summary>Gets the settings, as the tables print them.</summary>
    public static string Settings => $"Quartz 4.7.3 ADO job store on Npgsql 10.0.3 (UsePostgres with NpgsqlFactory), clustered (UseClustering(): generated instance ids, CheckinInterval {new ClusteringOptions().CheckinInterval.TotalSeconds} s and CheckinMisfireThreshold {new ClusteringOptions().CheckinMisfireThreshold.TotalSeconds} s, the defaults), schema from the package's embedded PostgreSQL script (ProvisionSchema): {Environment.ProcessorCount} threads per host, MaxBatchSize {Environment.ProcessorCount}, misfire threshold 1 h, RequestRecovery";

    /// <inheritdoc/>
    public async Task StartAsync(string connectionString)
    {
        _host = PeerHost.Create(services =>
        {
            services.AddQuartz(q =>
            {
                q.ConfigureScheduler(static s => s.MaxBatchSize = Environment.ProcessorCount);
                q.UseDefaultThreadPool(Environment.ProcessorCount);
                q.UsePersistentStore(store =>
                {
                    store.UsePostgres(NpgsqlFactory.Instance, connectionString);
                    store.UseClustering();
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
    public async ValueTask EnqueueAsync(PgJob job)
    {
        var detail = job switch
        {
            PgJob.Probe => JobBuilder.Create<QuartzPgProbeJob>().RequestRecovery(true).Build(),
            PgJob.UntilKilled => JobBuilder.Create<QuartzPgUntilKilledJob>().RequestRecovery(true).Build(),
            _ => JobBuilder.Create<QuartzPgNoOpJob>().RequestRecovery(true).Build(),
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
