using Microsoft.Extensions.Hosting;

namespace BackgroundTasks.Benchmarks.Peers;

/// <summary>The hosted service of the .NET docs' pattern: one loop that takes a work item and awaits it.</summary>
public sealed class DocsQueuedHostedService(DocsTaskQueue queue) : BackgroundService
{
    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            Func<CancellationToken, ValueTask> workItem;
            try
            {
                workItem = await queue.DequeueAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                await workItem(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The docs log the error and go on.
            }
        }
    }
}
