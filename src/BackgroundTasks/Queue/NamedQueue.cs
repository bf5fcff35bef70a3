using System.Diagnostics;
using System.Threading.Channels;

namespace BackgroundTasks;

/// <summary>
/// One named queue: a <see cref="Channel{T}"/> lane per priority, a capacity gate and a count of waiting
/// jobs that workers wait on. Producers take a slot of the capacity before their job enters a lane
/// (<see cref="QueueFullMode.Wait"/> waits for one, <see cref="QueueFullMode.Reject"/> refuses); a worker
/// gives the slot back when it takes the job. Delayed and retrying jobs take no slot: they enter a lane
/// when due.
/// </summary>
/// <remarks>
/// Invariants (checked by <see cref="AssertInvariants"/> in debug builds): free slots never exceed the
/// capacity; no lane was passed over more than <see cref="StarvationLimit"/> times in a row. A job enters
/// its lane before its ready permit is released and leaves after a permit is taken, so the ready count
/// never exceeds the jobs in the lanes and a worker holding a permit always finds a job.
/// </remarks>
internal sealed class NamedQueue : IDisposable
{
    /// <summary>How many times in a row a waiting job of a lower priority may be passed over.</summary>
    public const int StarvationLimit = 8;

    // Lanes by priority: High, Normal, Low.
    private readonly Channel<LiveJob>[] _lanes = [NewLane(), NewLane(), NewLane()];
    private readonly int[] _passedOver = new int[3];
    private readonly Lock _takeGate = new();
    private readonly SemaphoreSlim _space;
    private readonly SemaphoreSlim _ready = new(0);
    private readonly CancellationTokenSource _closing = new();
    private volatile bool _closed;
    private volatile bool _stopTaking;
    private int _waitingProducers;

    public NamedQueue(string name, JobQueueOptions options, TimeProvider? time = null)
    {
        Name = name;
        Options = options;
        _space = new SemaphoreSlim(options.Capacity);

        RateLimiter = QueueRateLimiter.Create(options, time ?? TimeProvider.System);
        Defaults = new JobSettings(name, null, JobPriority.Normal, options.MaxAttempts, null, options.Timeout, options.Backoff);
    }

    public string Name { get; }

    public JobQueueOptions Options { get; }

    /// <summary>Gets the queue's rate limiter, which its workers pass before each attempt; <see langword="null"/> when it has none.</summary>
    public QueueRateLimiter? RateLimiter { get; }

    /// <summary>Gets the settings of the queue's jobs enqueued without options.</summary>
    public JobSettings Defaults { get; }

    /// <summary>Gets how many jobs wait in the lanes.</summary>
    public int Count => _ready.CurrentCount;

    public bool IsClosed => _closed;

    /// <summary>Gets how many places of the capacity are free now (0: an enqueue waits or is refused).</summary>
    public int FreeSlots => _space.CurrentCount;

    /// <summary>Takes a slot if one is free now.</summary>
    public bool TryReserve() => _space.Wait(0);

    /// <summary>Waits for a free slot (back-pressure), until the caller gives up or the queue closes.</summary>
    public async ValueTask ReserveAsync(CancellationToken cancellationToken)
    {
        // No token of the queue's own on the wait: a waiting producer costs the semaphore only its node, and
        // Close wakes the producers it counts here with spare slots (the count is raised before _closed is read,
        // and Close sets _closed before it reads the count, so none is missed).
        Interlocked.Increment(ref _waitingProducers);
        try
        {
            if (!_closed)
            {
                await _space.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            if (_closed)
            {
                throw JobEngine.ShutDownException();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _waitingProducers);
        }
    }

    /// <summary>Gives back the slot a job holds, if it still holds one (the worker that takes it, or a parent that runs it, or a failed enqueue).</summary>
    public void GiveBackSlot(LiveJob job)
    {
        if (job.TryGiveBackSlot())
        {
            _space.Release();
            AssertInvariants();
        }
    }

    /// <summary>Puts a job in its priority's lane and wakes a worker.</summary>
    public void Push(LiveJob job)
    {
        var written = _lanes[Lane(job.Settings.Priority)].Writer.TryWrite(job);
        Debug.Assert(written, "Lanes are unbounded and never completed.");
        _ready.Release();
    }

    /// <summary>Takes the next job, waiting for one while the queue is open.</summary>
    /// <returns>The job, or <see langword="null"/> when the worker should stop: the queue closed and is empty, or stopped taking.</returns>
    public ValueTask<LiveJob?> TakeAsync()
    {
        if (_stopTaking)
        {
            return new ValueTask<LiveJob?>((LiveJob?)null);
        }

        return _ready.Wait(0) ? new ValueTask<LiveJob?>(TakeReady()) : WaitAndTakeAsync();
    }

    /// <summary>Stops accepting jobs: producers waiting for space fail, and idle workers stop once the lanes are empty.</summary>
    public void Close()
    {
        _closed = true;
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _waitingProducers) is > 0 and var waiting)
        {
            _space.Release(waiting);
        }

        _closing.Cancel();
    }

    /// <summary>Makes workers stop taking jobs, even when some wait.</summary>
    public void StopTaking()
    {
        _stopTaking = true;
        Close();
    }

    /// <summary>Empties the lanes (at shutdown), giving back the slots of the jobs taken.</summary>
    public List<LiveJob> TakeAll()
    {
        var all = new List<LiveJob>();
        while (_ready.Wait(0))
        {
            all.Add(TakeReady());
        }

        return all;
    }

    public void Dispose()
    {
        _closing.Dispose();
        _space.Dispose();
        _ready.Dispose();
    }

    private static Channel<LiveJob> NewLane() => Channel.CreateUnbounded<LiveJob>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });

    private static int Lane(JobPriority priority) => priority switch
    {
        JobPriority.High => 0,
        JobPriority.Normal => 1,
        _ => 2,
    };

    private async ValueTask<LiveJob?> WaitAndTakeAsync()
    {
        try
        {
            await _ready.WaitAsync(_closing.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Closed: drain what is left unless told to stop.
            if (_stopTaking || !_ready.Wait(0))
            {
                return null;
            }
        }

        if (_stopTaking)
        {
            _ready.Release();
            return null;
        }

        return TakeReady();
    }

    /// <summary>Takes a job for a ready permit the caller holds: the highest priority, unless a lower lane waited too long.</summary>
    private LiveJob TakeReady()
    {
        LiveJob? job = null;
        lock (_takeGate)
        {
            var lane = 0;
            for (var lower = 2; lower > 0; lower--)
            {
                if (_passedOver[lower] >= StarvationLimit && _lanes[lower].Reader.TryRead(out job))
                {
                    lane = lower;
                    break;
                }
            }

            if (job is null)
            {
                for (lane = 0; lane < 3 && !_lanes[lane].Reader.TryRead(out job); lane++)
                {
                }
            }

            // Count, not TryPeek: an unbounded channel's TryPeek issues a full memory barrier and keeps the lane's
            // current segment from being reused.
            _passedOver[lane] = 0;
            for (var lower = lane + 1; lower < 3; lower++)
            {
                _passedOver[lower] = _lanes[lower].Reader.Count > 0 ? _passedOver[lower] + 1 : 0;
            }
        }

        Debug.Assert(job is not null, "A ready permit always has a job in some lane.");
        GiveBackSlot(job);
        return job;
    }

    [Conditional("DEBUG")]
    private void AssertInvariants()
    {
        Debug.Assert(_closed || _space.CurrentCount <= Options.Capacity, "More free slots than the capacity.");
        Debug.Assert(_passedOver.All(static p => p <= StarvationLimit), "A lane was passed over past the starvation limit.");
    }
}
