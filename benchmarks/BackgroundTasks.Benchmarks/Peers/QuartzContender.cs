using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Quartz;

namespace BackgroundTasks.Benchmarks.Peers;

/// <summary>
/// Quartz.NET with the in-memory job store, hosted: a thread pool with one slot per core, a misfire
/// threshold of an hour (a backlog of one-off triggers never counts as misfired), and the default batch
/// size, which for the in-memory store is 1 (Quartz measured larger batches slower for bursts of one-offs).
/// Each job is a non-durable job detail with a "start now" trigger, as Quartz's API requires.
/// </summary>
public sealed class QuartzContender : IJobSystemContender
{
    private IHost? _host;
    private IScheduler? _scheduler;

    /// <inheritdoc/>
    public Contender Kind => Contender.Quartz;

    /// <inheritdoc/>
    public async Task StartAsync()
    {
        _host = PeerHost.Create(static services =>
        {
            services.AddQuartz(static q =>
            {
                q.UseDefaultThreadPool(PeerSettings.Workers);
                q.UseInMemoryStore(static s => s.MisfireThreshold = TimeSpan.FromHours(1));
            });
            services.AddQuartzHostedService(static o => o.WaitForJobsToComplete = true);
        });
        await _host.StartAsync();
        _scheduler = await _host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
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
    public async ValueTask EnqueueAsync(JobBody body)
    {
        var job = body switch
        {
            JobBody.Cpu => JobBuilder.Create<QuartzCpuJob>().Build(),
            JobBody.Probe => JobBuilder.Create<QuartzProbeJob>().Build(),
            _ => JobBuilder.Create<QuartzCountedJob>().Build(),
        };
        await _scheduler!.ScheduleJob(job, TriggerBuilder.Create().StartNow().Build());
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _host?.Dispose();
    }
}
