namespace BackgroundTasks;

/// <summary>Progress reports, coalesced so that the store sees at most one write per progress interval.</summary>
public sealed partial class JobContext
{
    private Lock? _progressGate;
    private JobProgress _latest;
    private bool _dirty;
    private bool _progressClosed;
    private long _lastWrite;
    private bool _wroteOnce;
    private ITimer? _flushTimer;
    private Task? _writing;

    /// <summary>Gets the latest progress this attempt reported.</summary>
    public JobProgress LatestProgress
    {
        get
        {
            lock (ProgressGate)
            {
                return _latest;
            }
        }
    }

    private Lock ProgressGate
    {
        get
        {
            var gate = Volatile.Read(ref _progressGate);
            return gate ?? Interlocked.CompareExchange(ref _progressGate, new Lock(), null) ?? _progressGate;
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
        lock (ProgressGate)
        {
            _latest = progress;
            _dirty = true;
            if (_progressClosed || _writing is not null || _flushTimer is not null)
            {
                // A write or a timed flush is on its way and will take the latest value.
                return;
            }

            var interval = _engine.Options.ProgressInterval;
            var sinceLast = _engine.Time.GetElapsedTime(_lastWrite);
            if (!_wroteOnce || sinceLast >= interval)
            {
                StartWriteLocked();
            }
            else
            {
                _flushTimer = _engine.Time.CreateTimer(static state => ((JobContext)state!).OnFlushTimer(), this, interval - sinceLast, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private void OnFlushTimer()
    {
        lock (ProgressGate)
        {
            _flushTimer?.Dispose();
            _flushTimer = null;
            if (!_progressClosed && _dirty && _writing is null)
            {
                StartWriteLocked();
            }
        }
    }

    private void StartWriteLocked()
    {
        var value = _latest;
        _dirty = false;
        _lastWrite = _engine.Time.GetTimestamp();
        _wroteOnce = true;

        // The lock is re-entrant: a write that completes at once has already run its finally block.
        var writing = WriteAsync(value);
        _writing = writing.IsCompleted ? null : writing;
    }

    private async Task WriteAsync(JobProgress value)
    {
        try
        {
            await _engine.Store.ReportProgressAsync(Id, value).ConfigureAwait(false);
            _item.SignalChanged();
        }
        catch (Exception ex)
        {
            Log.StoreFailed(_engine.Logger, ex, nameof(IJobStore.ReportProgressAsync), Id);
            lock (ProgressGate)
            {
                // Not written: the next write (or the final flush) carries the latest value.
                _dirty = true;
            }
        }
        finally
        {
            lock (ProgressGate)
            {
                _writing = null;
                if (_dirty && !_progressClosed && _flushTimer is null)
                {
                    var wait = _engine.Options.ProgressInterval - _engine.Time.GetElapsedTime(_lastWrite);
                    _flushTimer = _engine.Time.CreateTimer(static state => ((JobContext)state!).OnFlushTimer(), this, wait > TimeSpan.Zero ? wait : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
                }
            }
        }
    }

    /// <summary>Stops timed flushes, waits for a write in flight, then writes the latest value if it is not written yet.</summary>
    private async ValueTask FlushProgressAsync()
    {
        if (Volatile.Read(ref _progressGate) is null)
        {
            return;
        }

        Task? writing;
        lock (ProgressGate)
        {
            _progressClosed = true;
            _flushTimer?.Dispose();
            _flushTimer = null;
            writing = _writing;
        }

        if (writing is not null)
        {
            await writing.ConfigureAwait(false);
        }

        JobProgress last;
        lock (ProgressGate)
        {
            if (!_dirty)
            {
                return;
            }

            _dirty = false;
            last = _latest;
        }

        // The last report must reach the store before the terminal status: try again if the store throws.
        for (var attempt = 1; attempt <= JobQueue.StoreWriteAttempts; attempt++)
        {
            try
            {
                await _engine.Store.ReportProgressAsync(Id, last).ConfigureAwait(false);
                _item.SignalChanged();
                return;
            }
            catch (Exception ex)
            {
                Log.StoreFailed(_engine.Logger, ex, nameof(IJobStore.ReportProgressAsync), Id);
            }
        }
    }
}
