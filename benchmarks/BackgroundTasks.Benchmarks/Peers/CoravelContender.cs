using Coravel;
using Coravel.Queuing.Interfaces;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BackgroundTasks.Benchmarks.Peers;

/// <summary>
/// Coravel's queue (<c>AddQueue</c>) in a generic host. Coravel drains its queue on a timer whose period is
/// <c>Coravel:Queue:ConsummationDelay</c>, in whole seconds; 1 is its minimum (the default is 30).
/// </summary>
public sealed class CoravelContender : IJobSystemContender
{
    private IHost? _host;
    private IQueue? _queue;

    /// <inheritdoc/>
    public Contender Kind => Contender.Coravel;

    /// <inheritdoc/>
    public async Task StartAsync()
    {
        _host = PeerHost.Create(
            static services => services.AddQueue(),
            [new("Coravel:Queue:ConsummationDelay", "1")]);
        await _host.StartAsync();
        _queue = _host.Services.GetRequiredService<IQueue>();
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
    public ValueTask EnqueueAsync(JobBody body)
    {
        _queue!.QueueTask(JobBodies.For(body));
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _host?.Dispose();
    }
}
