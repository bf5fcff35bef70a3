using System.Threading.Channels;

namespace BackgroundTasks.Benchmarks.Peers;

/// <summary>The task queue of the .NET docs' "queued background tasks" pattern: a bounded channel of delegates.</summary>
public sealed class DocsTaskQueue(int capacity)
{
    private readonly Channel<Func<CancellationToken, ValueTask>> _queue = Channel.CreateBounded<Func<CancellationToken, ValueTask>>(
        new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait });

    /// <summary>Adds a work item, waiting for space when the queue is full.</summary>
    public ValueTask QueueBackgroundWorkItemAsync(Func<CancellationToken, ValueTask> workItem)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        return _queue.Writer.WriteAsync(workItem);
    }

    /// <summary>Takes the next work item, waiting for one.</summary>
    public ValueTask<Func<CancellationToken, ValueTask>> DequeueAsync(CancellationToken cancellationToken)
        => _queue.Reader.ReadAsync(cancellationToken);
}
