using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BackgroundTasks.Tests;

/// <summary>A real generic host with background jobs, a fake clock and a recording store.</summary>
public sealed class JobsHost : IAsyncDisposable
{
    private JobsHost(IHost host, TestClock time, RecordingJobStore store)
    {
        Host = host;
        Time = time;
        Store = store;
    }

    public IHost Host { get; }

    public TestClock Time { get; }

    public RecordingJobStore Store { get; }

    public IJobQueue Queue => Host.Services.GetRequiredService<IJobQueue>();

    public IJobMonitor Monitor => Host.Services.GetRequiredService<IJobMonitor>();

    public static JobsHost Create(Action<BackgroundJobsOptions>? configure = null, Action<BackgroundJobsBuilder>? build = null, Action<IServiceCollection>? services = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        var time = new TestClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var store = new RecordingJobStore();
        builder.Services.AddSingleton<TimeProvider>(time);
        var jobs = builder.Services.AddBackgroundJobs(options =>
        {
            options.Queues["default"].Workers = 2;
            configure?.Invoke(options);
        }).UseStore(_ => store);
        build?.Invoke(jobs);
        services?.Invoke(builder.Services);
        return new JobsHost(builder.Build(), time, store);
    }

    public static async Task<JobsHost> StartAsync(Action<BackgroundJobsOptions>? configure = null, Action<BackgroundJobsBuilder>? build = null, Action<IServiceCollection>? services = null)
    {
        var host = Create(configure, build, services);
        await host.Host.StartAsync();
        return host;
    }

    /// <summary>Enqueues a job that holds its worker until released, and returns once it runs.</summary>
    public async Task<(JobId Id, TaskCompletionSource Release)> StartBlockingJobAsync(CancellationToken cancellationToken)
    {
        var release = new TaskCompletionSource();
        var started = new TaskCompletionSource();
        var id = await Queue.EnqueueAsync(async _ =>
        {
            started.SetResult();
            await release.Task;
        }, cancellationToken: cancellationToken);
        await started.Task.WaitAsync(cancellationToken);
        return (id, release);
    }

    public async ValueTask DisposeAsync()
    {
        using var giveUp = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await Host.StopAsync(giveUp.Token);
        }
        catch (OperationCanceledException)
        {
        }

        Host.Dispose();
    }
}
