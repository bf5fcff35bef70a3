using System.Threading.Channels;

namespace BackgroundTasks.Benchmarks.Peers;

/// <summary>
/// The practical limit: an unbounded <see cref="Channel{T}"/> of delegates, one reader loop per core that
/// drains what is there before it waits again. No host, no ids, no status, no DI scope.
/// </summary>
public sealed class RawChannelContender : IJobSystemContender
{
    private static readonly Func<CancellationToken, ValueTask>[] s_bodies =
    [
        static _ => { JobBodies.Counted(); return ValueTask.CompletedTask; },
        static _ => { JobBodies.Cpu(); return ValueTask.CompletedTask; },
        static _ => { JobBodies.Probe(); return ValueTask.CompletedTask; },
    ];

    private readonly CancellationTokenSource _stopping = new();
    private Channel<Func<CancellationToken, ValueTask>>? _channel;
    private Task _readers = Task.CompletedTask;

    /// <inheritdoc/>
    public Contender Kind => Contender.RawChannel;

    /// <inheritdoc/>
    public Task StartAsync()
    {
        _channel = Channel.CreateUnbounded<Func<CancellationToken, ValueTask>>(new UnboundedChannelOptions
        {
            SingleReader = false,
            SingleWriter = false,
            AllowSynchronousContinuations = false,
        });
        var readers = new Task[Environment.ProcessorCount];
        for (var i = 0; i < readers.Length; i++)
        {
            readers[i] = Task.Run(() => ReadAsync(_channel.Reader, _stopping.Token));
        }

        _readers = Task.WhenAll(readers);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task StopAsync()
    {
        _channel?.Writer.TryComplete();
        await _readers;
    }

    /// <inheritdoc/>
    public ValueTask EnqueueAsync(JobBody body)
    {
        _channel!.Writer.TryWrite(s_bodies[(int)body]);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stopping.Dispose();
    }

    private static async Task ReadAsync(ChannelReader<Func<CancellationToken, ValueTask>> reader, CancellationToken cancellationToken)
    {
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (reader.TryRead(out var work))
            {
                await work(cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
