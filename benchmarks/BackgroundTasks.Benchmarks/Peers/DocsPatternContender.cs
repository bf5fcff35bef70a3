using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BackgroundTasks.Benchmarks.Peers;

/// <summary>The .NET docs' "queued background tasks" pattern, in a generic host with logging off.</summary>
public sealed class DocsPatternContender : IJobSystemContender
{
    private static readonly Func<CancellationToken, ValueTask>[] s_bodies =
    [
        static _ => { JobBodies.Counted(); return ValueTask.CompletedTask; },
        static _ => { JobBodies.Cpu(); return ValueTask.CompletedTask; },
        static _ => { JobBodies.Probe(); return ValueTask.CompletedTask; },
    ];

    private IHost? _host;
    private DocsTaskQueue? _queue;

    /// <inheritdoc/>
    public Contender Kind => Contender.DocsPattern;

    /// <inheritdoc/>
    public async Task StartAsync()
    {
        _host = PeerHost.Create(services =>
        {
            services.AddSingleton(new DocsTaskQueue(PeerSettings.LargeCapacity));
            services.AddHostedService<DocsQueuedHostedService>();
        });
        await _host.StartAsync();
        _queue = _host.Services.GetRequiredService<DocsTaskQueue>();
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
    public ValueTask EnqueueAsync(JobBody body) => _queue!.QueueBackgroundWorkItemAsync(s_bodies[(int)body]);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _host?.Dispose();
    }
}
