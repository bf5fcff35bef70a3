using System.Diagnostics.CodeAnalysis;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;

namespace BackgroundTasks;

/// <summary>
/// What a queue's workers pass before each attempt: the <see cref="RateLimiter"/> the application plugged in
/// (<see cref="JobQueueOptions.RateLimiter"/>, whose lease is held for the attempt), or the queue's
/// <see cref="JobRateLimit"/> on a <see cref="ConcurrencyLimiter"/> whose permits come back one period after
/// each start.
/// </summary>
/// <remarks>
/// <see cref="JobRateLimit"/> is not built on the package's replenishing limiters: their <c>TryReplenish</c>
/// does nothing until a whole window has passed on the Stopwatch, even with <c>AutoReplenishment</c> off, so they
/// cannot follow the engine's <see cref="TimeProvider"/> (a fake clock in tests). A <see cref="ConcurrencyLimiter"/>
/// reads no clock: each start holds one of <see cref="JobRateLimit.MaxStarts"/> permits, given back by a timer on
/// the engine's clock one <see cref="JobRateLimit.Period"/> later, so no span of one period sees more starts than
/// permits. The limiter is never disposed: a permit may still come back from a timer after the host stopped.
/// </remarks>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "The plugged limiter is the application's; the own one gets permits back from timers after the host stopped.")]
internal sealed class QueueRateLimiter
{
    /// <summary>How long to wait before asking again when a limiter refuses a lease and says nothing of when to retry.</summary>
    internal static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(1);

    private readonly RateLimiter _limiter;
    private readonly TimeSpan _givenBackAfter;
    private readonly TimeProvider _time;
    private int _waiting;

    private QueueRateLimiter(RateLimiter limiter, TimeSpan givenBackAfter, TimeProvider time)
    {
        _limiter = limiter;
        _givenBackAfter = givenBackAfter;
        _time = time;
    }

    /// <summary>Gets how many workers wait for a permit now.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Creates the limiter a queue's options ask for; <see langword="null"/> when they set none.</summary>
    /// <remarks>Bad settings are reported by the options' validation, which runs first.</remarks>
    public static QueueRateLimiter? Create(JobQueueOptions options, TimeProvider time)
    {
        if (options.RateLimiter is { } plugged)
        {
            return new QueueRateLimiter(plugged, Timeout.InfiniteTimeSpan, time);
        }

        if (options.RateLimit is { MaxStarts: > 0 } limit && limit.Period > TimeSpan.Zero)
        {
            var permits = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
            {
                PermitLimit = limit.MaxStarts,
                QueueLimit = int.MaxValue,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            });
            return new QueueRateLimiter(permits, limit.Period, time);
        }

        return null;
    }

    /// <summary>Takes a permit for an attempt of <paramref name="job"/>, waiting while the limiter has none.</summary>
    /// <param name="job">The job the worker took; the wait ends when it is cancelled (it never starts then).</param>
    /// <param name="logger">Where a failing limiter is reported.</param>
    /// <param name="stopping">Fires when the workers stop taking jobs: the job is left for the shutdown sweep.</param>
    /// <returns>The lease to hold until the attempt ends; <see langword="null"/> when the job ended or the workers stop.</returns>
    public ValueTask<RateLimitLease?> AcquireAsync(LiveJob job, ILogger logger, CancellationToken stopping)
    {
        // The queue's own limiter answers at once without blocking; a plugged one (a distributed limiter, say) may
        // block in AttemptAcquire, so it is only asked asynchronously.
        if (_givenBackAfter != Timeout.InfiniteTimeSpan)
        {
            var lease = _limiter.AttemptAcquire();
            if (lease.IsAcquired)
            {
                return new ValueTask<RateLimitLease?>(Hold(lease));
            }

            lease.Dispose();
        }

        return WaitAsync(job, logger, stopping);
    }

    private async ValueTask<RateLimitLease?> WaitAsync(LiveJob job, ILogger logger, CancellationToken stopping)
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
            return null;
        }

        Interlocked.Increment(ref _waiting);
        try
        {
            while (!ended.IsCancellationRequested)
            {
                var retryAfter = DefaultRetryAfter;
                try
                {
                    var lease = await _limiter.AcquireAsync(1, ended.Token).ConfigureAwait(false);
                    if (lease.IsAcquired)
                    {
                        if (job.IsFinished)
                        {
                            lease.Dispose();
                            return null;
                        }

                        return Hold(lease);
                    }

                    // Refused (the limiter's queue is full, or it is shared and busy): ask again later, never drop the job.
                    if (lease.TryGetMetadata(MetadataName.RetryAfter, out var after) && after > TimeSpan.Zero)
                    {
                        retryAfter = after;
                    }

                    lease.Dispose();
                }
                catch (OperationCanceledException) when (ended.IsCancellationRequested)
                {
                    return null;
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    logger.RateLimiterFailed(ex, job.Settings.Queue);
                }

                try
                {
                    await Task.Delay(retryAfter, _time, ended.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return null;
                }
            }

            return null;
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    /// <summary>Gives the lease to the worker for the attempt, or, for a <see cref="JobRateLimit"/>, to a timer that gives it back one period after the start.</summary>
    private RateLimitLease Hold(RateLimitLease lease)
    {
        if (_givenBackAfter == Timeout.InfiniteTimeSpan)
        {
            return lease;
        }

        var giveBack = new GiveBack(lease);
        giveBack.Timer = _time.CreateTimer(static state => ((GiveBack)state!).Run(), giveBack, _givenBackAfter, Timeout.InfiniteTimeSpan);
        return StartedLease.Instance;
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

    /// <summary>Gives one permit back when its timer fires.</summary>
    private sealed class GiveBack(RateLimitLease lease)
    {
        public ITimer? Timer;

        public void Run()
        {
            lease.Dispose();
            Timer?.Dispose();
        }
    }

    /// <summary>What the worker holds under a <see cref="JobRateLimit"/>: nothing to give back when the attempt ends.</summary>
    private sealed class StartedLease : RateLimitLease
    {
        public static readonly StartedLease Instance = new();

        public override bool IsAcquired => true;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
