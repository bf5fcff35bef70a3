using System.Threading.Channels;

namespace BackgroundTasks;

/// <summary>
/// One queue's claim state in a <see cref="JobClaimer"/>: how many claimed jobs its workers hold, and what wakes its
/// claim loop: a ring (claim now), the earliest due time known (claim then), or the poll (claim when nothing else did).
/// </summary>
internal sealed class QueueClaims(NamedQueue queue)
{
    // One item wakes the waiting loop; _claimNow says whether it should claim, or only look again at the due time.
    private readonly Channel<bool> _doorbell = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private int _claimNow;
    private long _nextDue = long.MaxValue;

    /// <summary>Claimed jobs not yet ended here.</summary>
    public int Held;

    /// <summary>Claimed jobs that ended here but whose outcome the store has not committed yet.</summary>
    public int Unwritten;

    /// <summary>1 when jobs may wait in the store for a worker of this queue to end (a job went to the store, or the last claim took as many as it asked for).</summary>
    public int Backlog = 1;

    public NamedQueue Queue { get; } = queue;

    /// <summary>Wakes the loop for a job that went to the store.</summary>
    public void Wake()
    {
        Volatile.Write(ref Backlog, 1);
        Ring();
    }

    /// <summary>Wakes the loop to claim now.</summary>
    public void Ring()
    {
        Volatile.Write(ref _claimNow, 1);
        _doorbell.Writer.TryWrite(true);
    }

    /// <summary>Makes the loop claim at once, and again at <paramref name="dueTicks"/> at the latest (a delayed job or a retry made here).</summary>
    public void WakeAt(long dueTicks)
    {
        if (Lower(dueTicks))
        {
            Wake();
        }
    }

    /// <summary>Makes the loop claim at <paramref name="dueTicks"/> at the latest, without claiming before (a due time the store reported).</summary>
    public void Expect(long dueTicks)
    {
        if (Lower(dueTicks))
        {
            _doorbell.Writer.TryWrite(true);
        }
    }

    /// <summary>Waits for a ring, the earliest due time, or the poll interval, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan poll, TimeProvider time, CancellationToken stopping)
    {
        var pollAt = time.GetUtcNow().UtcTicks + poll.Ticks;
        while (true)
        {
            var due = Volatile.Read(ref _nextDue);
            var now = time.GetUtcNow().UtcTicks;
            var wait = Math.Clamp(Math.Min(due, pollAt) - now, 0, poll.Ticks);
            using var timed = new CancellationTokenSource(TimeSpan.FromTicks(wait), time);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(stopping, timed.Token);
            var claim = true;
            try
            {
                await _doorbell.Reader.WaitToReadAsync(either.Token).ConfigureAwait(false);
                _doorbell.Reader.TryRead(out _);

                // Woken by an earlier due time only: wait again, until then.
                claim = Interlocked.Exchange(ref _claimNow, 0) == 1;
            }
            catch (OperationCanceledException)
            {
                // The wait ended: time to look again (or to stop). Another host may have enqueued meanwhile, or a due time came.
                Volatile.Write(ref Backlog, 1);
            }

            if (due != long.MaxValue && time.GetUtcNow().UtcTicks >= due)
            {
                // That due time has come: the claim that follows finds its job.
                Interlocked.CompareExchange(ref _nextDue, long.MaxValue, due);
                claim = true;
            }

            if (claim || stopping.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Lowers the earliest due time to <paramref name="dueTicks"/>; <see langword="false"/> when it was as early already.</summary>
    private bool Lower(long dueTicks)
    {
        var current = Volatile.Read(ref _nextDue);
        while (dueTicks < current)
        {
            var seen = Interlocked.CompareExchange(ref _nextDue, dueTicks, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }

        return false;
    }
}
