namespace BackgroundTasks.Sqlite;

/// <summary>
/// Runs a durable store's clean-up every interval on the store's clock, one run at a time: a tick that comes while a
/// run is still going is skipped. The PostgreSQL package links this file, as it does <see cref="JobRecordReader"/>.
/// </summary>
internal sealed class RetentionTimer : IAsyncDisposable
{
    private readonly Func<Task> _run;
    private readonly ITimer? _timer;
    private Task _current = Task.CompletedTask;
    private int _running;

    /// <param name="clock">The store's clock.</param>
    /// <param name="interval">How often to run; <see cref="Timeout.InfiniteTimeSpan"/> never runs (the app calls the clean-up itself).</param>
    /// <param name="run">The clean-up; it logs its own outcome and never throws.</param>
    public RetentionTimer(TimeProvider clock, TimeSpan interval, Func<Task> run)
    {
        _run = run;
        if (interval != Timeout.InfiniteTimeSpan)
        {
            _timer = clock.CreateTimer(static state => ((RetentionTimer)state!).OnTick(), this, interval, interval);
        }
    }

    /// <summary>Stops the ticks and waits for a run under way.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_timer is { } timer)
        {
            await timer.DisposeAsync().ConfigureAwait(false);
        }

        await Volatile.Read(ref _current).ConfigureAwait(false);
    }

    private void OnTick()
    {
        if (Interlocked.CompareExchange(ref _running, 1, 0) == 0)
        {
            Volatile.Write(ref _current, RunOnceAsync());
        }
    }

    private async Task RunOnceAsync()
    {
        try
        {
            await _run().ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }
}
