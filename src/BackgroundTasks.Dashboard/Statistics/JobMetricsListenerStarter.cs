using Microsoft.Extensions.Hosting;

namespace BackgroundTasks.Dashboard;

/// <summary>Starts the <see cref="JobMetricsListener"/> with the host, so that the health check counts failures from the start, not from its first run.</summary>
internal sealed class JobMetricsListenerStarter(JobMetricsListener listener) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        GC.KeepAlive(listener);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
