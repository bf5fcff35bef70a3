using System.Diagnostics.CodeAnalysis;

namespace BackgroundTasks;

/// <summary>
/// A queue's <see cref="JobRateLimit"/>: <see cref="JobRateLimit.MaxStarts"/> places, each taken by a start and
/// given back one <see cref="JobRateLimit.Period"/> later on the engine's <see cref="TimeProvider"/>, so no span of
/// one period sees more starts than places.
/// </summary>
/// <remarks>
/// Written on a <see cref="SemaphoreSlim"/> (its waiters are served in order) and <see cref="TimeProvider"/>
/// timers rather than on System.Threading.RateLimiting: that package is not part of the shared framework, and
/// its replenishing limiters read the Stopwatch even when replenished by hand, so they cannot run on a fake clock.
/// The semaphore is never disposed: a place may still come back from a timer after the host stopped.
/// </remarks>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "A place may come back from a timer after the host stopped; the semaphore has no wait handle to free.")]
internal sealed class QueueRateLimiter(JobRateLimit limit, TimeProvider time)
{
    private readonly SemaphoreSlim _places = new(limit.MaxStarts, limit.MaxStarts);
    private readonly TimeSpan _period = limit.Period;
    private int _waiting;

    /// <summary>Gets how many workers wait for a place now.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Takes a place for an attempt of <paramref name="job"/>, waiting while every place is held.</summary>
    /// <param name="job">The job the worker took; the wait ends when it is cancelled (it never starts then).</param>
    /// <param name="stopping">Fires when the workers stop taking jobs: the job is left for the shutdown sweep.</param>
    /// <returns><see langword="true"/> when the attempt may start; <see langword="false"/> when the job ended or the workers stop.</returns>
    public ValueTask<bool> TryTakeAsync(LiveJob job, CancellationToken stopping)
    {
        if (_places.Wait(0, CancellationToken.None))
        {
            GiveBackLater();
            return new ValueTask<bool>(true);
        }

        return WaitAsync(job, stopping);
    }

    private async ValueTask<bool> WaitAsync(LiveJob job, CancellationToken stopping)
    {
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(stopping);

        // A job in a worker's hands changes only when it ends (cancelled by id): then stop waiting for it.
        using var watch = job.Watch(() =>
        {
            if (job.IsFinished)
            {
                CancelQuietly(ended);
            }
        });
        if (job.IsFinished)
        {
            return false;
        }

        Interlocked.Increment(ref _waiting);
        try
        {
            await _places.WaitAsync(ended.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }

        GiveBackLater();
        return true;
    }

    private void GiveBackLater()
    {
        var giveBack = new GiveBack(_places);
        giveBack.Timer = time.CreateTimer(static state => ((GiveBack)state!).Run(), giveBack, _period, Timeout.InfiniteTimeSpan);
    }

    private static void CancelQuietly(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The wait ended meanwhile.
        }
    }

    /// <summary>Gives one place back when its timer fires.</summary>
    private sealed class GiveBack(SemaphoreSlim places)
    {
        public ITimer? Timer;

        public void Run()
        {
            places.Release();
            Timer?.Dispose();
        }
    }
}
