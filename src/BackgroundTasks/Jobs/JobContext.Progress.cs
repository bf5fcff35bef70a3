using Microsoft.Extensions.DependencyInjection;

namespace BackgroundTasks;

/// <summary>Progress reports, coalesced so that the store sees at most one write per progress interval.</summary>
public sealed partial class JobContext
{
    // Allocated on the first report (or the first use of Services), so that jobs that use neither pay nothing; it is also the lock.
    private AttemptState? _state;

    private AttemptState State
    {
        get
        {
            var state = Volatile.Read(ref _state);
            return state ?? Interlocked.CompareExchange(ref _state, new AttemptState(), null) ?? _state;
        }
    }

    /// <summary>Reports how far along the job is.</summary>
    /// <param name="percent">From 0 to 100.</param>
    /// <param name="message">What the job is doing, if it wants to say.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="percent"/> is not from 0 to 100.</exception>
    public void ReportProgress(double percent, string? message = null)
    {
        ThrowIfBadPercent(percent, nameof(percent));
        Publish(new JobProgress(percent, message));
    }

    /// <summary>Reports how many of the job's items are done; the percentage follows from them.</summary>
    /// <param name="itemsDone">Items done so far, from 0 to <paramref name="itemsTotal"/>.</param>
    /// <param name="itemsTotal">Items in all; 0 counts as done.</param>
    /// <param name="message">What the job is doing, if it wants to say.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="itemsTotal"/> is negative, or <paramref name="itemsDone"/> is not from 0 to <paramref name="itemsTotal"/>.</exception>
    public void ReportItems(long itemsDone, long itemsTotal, string? message = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(itemsTotal);
        if (itemsDone < 0 || itemsDone > itemsTotal)
        {
            throw new ArgumentOutOfRangeException(nameof(itemsDone), itemsDone, $"itemsDone must be from 0 to itemsTotal ({itemsTotal}).");
        }

        var percent = itemsTotal == 0 ? 100 : itemsDone * 100.0 / itemsTotal;
        Publish(new JobProgress(percent, message, itemsDone, itemsTotal));
    }

    /// <summary>Reports progress as a whole.</summary>
    /// <param name="progress">The progress; its percentage must be from 0 to 100, and its item counts, if given, consistent.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void ReportProgress(JobProgress progress)
    {
        ThrowIfBadPercent(progress.Percent, nameof(progress));
        if (progress.ItemsTotal < 0 || progress.ItemsDone < 0 || progress.ItemsDone > progress.ItemsTotal)
        {
            throw new ArgumentOutOfRangeException(nameof(progress), progress, "ItemsDone and ItemsTotal must not be negative, and ItemsDone must not exceed ItemsTotal.");
        }

        Publish(progress);
    }

    /// <inheritdoc/>
    void IProgress<JobProgress>.Report(JobProgress value) => ReportProgress(value);

    /// <inheritdoc/>
    void IProgress<double>.Report(double value) => ReportProgress(value);

    private static void ThrowIfBadPercent(double percent, string paramName)
    {
        if (!(percent is >= 0 and <= 100))
        {
            throw new ArgumentOutOfRangeException(paramName, percent, "Progress must be a percentage from 0 to 100.");
        }
    }

    private void Publish(JobProgress progress)
    {
        var state = State;
        lock (state)
        {
            state.Latest = progress;
            state.Dirty = true;
            if (state.Closed || state.Writing is not null || state.FlushTimer is not null)
            {
                // A write or a timed flush is on its way and will take the latest value.
                return;
            }

            var interval = Engine.Options.ProgressInterval;
            var sinceLast = Engine.Time.GetElapsedTime(state.LastWrite);
            if (!state.WroteOnce || sinceLast >= interval)
            {
                StartWriteLocked(state);
            }
            else
            {
                state.FlushTimer = Engine.Time.CreateTimer(static state => ((JobContext)state!).OnFlushTimer(), this, interval - sinceLast, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private void OnFlushTimer()
    {
        var state = State;
        lock (state)
        {
            state.FlushTimer?.Dispose();
            state.FlushTimer = null;
            if (!state.Closed && state.Dirty && state.Writing is null)
            {
                StartWriteLocked(state);
            }
        }
    }

    private void StartWriteLocked(AttemptState state)
    {
        var value = state.Latest;
        state.Dirty = false;
        state.LastWrite = Engine.Time.GetTimestamp();
        state.WroteOnce = true;

        // The lock is re-entrant: a write that completes at once has already run its finally block.
        var writing = WriteAsync(value);
        state.Writing = writing.IsCompleted ? null : writing;
    }

    private async Task WriteAsync(JobProgress value)
    {
        var state = State;
        try
        {
            await Engine.Records.ReportProgressAsync(Id, _job.StoreHandle, value).ConfigureAwait(false);
            _job.SignalChanged();
        }
        catch (Exception ex)
        {
            Log.StoreFailed(Engine.Logger, ex, nameof(IJobStore.ReportProgressAsync), Id);
            lock (state)
            {
                // Not written: the next write (or the final flush) carries the latest value.
                state.Dirty = true;
            }
        }
        finally
        {
            lock (state)
            {
                state.Writing = null;
                if (state.Dirty && !state.Closed && state.FlushTimer is null)
                {
                    var wait = Engine.Options.ProgressInterval - Engine.Time.GetElapsedTime(state.LastWrite);
                    state.FlushTimer = Engine.Time.CreateTimer(static state => ((JobContext)state!).OnFlushTimer(), this, wait > TimeSpan.Zero ? wait : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
                }
            }
        }
    }

    /// <summary>Stops timed flushes, waits for a write in flight, then writes the latest value if it is not written yet.</summary>
    private async ValueTask FlushProgressAsync()
    {
        var state = Volatile.Read(ref _state);
        if (state is null)
        {
            return;
        }

        Task? writing;
        lock (state)
        {
            state.Closed = true;
            state.FlushTimer?.Dispose();
            state.FlushTimer = null;
            writing = state.Writing;
        }

        if (writing is not null)
        {
            await writing.ConfigureAwait(false);
        }

        JobProgress last;
        lock (state)
        {
            if (!state.Dirty)
            {
                return;
            }

            state.Dirty = false;
            last = state.Latest;
        }

        // The last report must reach the store before the terminal status: try again if the store throws.
        for (var attempt = 1; attempt <= StoreAdapter.WriteAttempts; attempt++)
        {
            try
            {
                await Engine.Records.ReportProgressAsync(Id, _job.StoreHandle, last).ConfigureAwait(false);
                _job.SignalChanged();
                return;
            }
            catch (Exception ex)
            {
                Log.StoreFailed(Engine.Logger, ex, nameof(IJobStore.ReportProgressAsync), Id);
            }
        }
    }

    /// <summary>What an attempt allocates only when it uses it: progress coalescing, and the DI scope.</summary>
    private sealed class AttemptState
    {
        public IServiceScope? Scope;
        public JobProgress Latest;
        public bool Dirty;
        public bool Closed;
        public long LastWrite;
        public bool WroteOnce;
        public ITimer? FlushTimer;
        public Task? Writing;
    }
}
