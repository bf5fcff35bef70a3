namespace BackgroundTasks;

/// <summary>What one worker loop carries from one job to the next: a token source, reset and reused while jobs end without cancellation.</summary>
internal sealed class Worker(TimeProvider time)
{
    /// <summary>Gets the token source the next job runs with.</summary>
    public CancellationTokenSource Cts { get; private set; } = NewSource(time);

    /// <summary>Readies the source for the next job: this one reset, or a new one.</summary>
    /// <param name="reusable">Whether the source may be touched: <see langword="false"/> while a cancellation still fires it.</param>
    public void Next(bool reusable)
    {
        if (reusable)
        {
            if (Cts.TryReset())
            {
                return;
            }

            Cts.Dispose();
        }

        // A source a cancellation still fires is left to the garbage collector.
        Cts = NewSource(time);
    }

    /// <summary>Replaces the source after a failure of the runner itself.</summary>
    public void Renew() => Cts = NewSource(time);

    /// <summary>Creates a token source whose <see cref="CancellationTokenSource.CancelAfter(TimeSpan)"/> runs on <paramref name="time"/>.</summary>
    /// <remarks>
    /// On the system clock the source gets no timer until a job with a timeout arms one: a source made with a
    /// time provider carries a timer from the start, and resetting it between jobs then takes the timer
    /// queue's lock (13.5 against 1.5 ns per reset, measured).
    /// </remarks>
    private static CancellationTokenSource NewSource(TimeProvider time)
        => ReferenceEquals(time, TimeProvider.System) ? new CancellationTokenSource() : new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
}
