using System.Diagnostics;
using System.Threading.Channels;

namespace BackgroundTasks;

/// <summary>
/// One named queue: a lane (an unbounded <see cref="Channel{T}"/>) per priority, a capacity gate that gives
/// back-pressure or rejects, and a count of waiting jobs that the workers wait on.
/// </summary>
internal sealed class NamedJobQueue : IDisposable
{
    /// <summary>How many times in a row a waiting job of a lower priority may be passed over.</summary>
    internal const int StarvationLimit = 8;

    private static readonly UnboundedChannelOptions s_laneOptions = new() { SingleReader = false, SingleWriter = false };

    private readonly Channel<JobWorkItem>[] _lanes;
    private readonly int[] _passedOver;
    private readonly SemaphoreSlim _space;
    private readonly SemaphoreSlim _waiting = new(0);
    private readonly CancellationTokenSource _closing = new();
    private volatile bool _stopTaking;

    public NamedJobQueue(string name, JobQueueOptions options)
    {
        Name = name;
        Options = options;
        _space = new SemaphoreSlim(options.Capacity, options.Capacity);
        _lanes = new Channel<JobWorkItem>[3];
        for (var i = 0; i < _lanes.Length; i++)
        {
            _lanes[i] = Channel.CreateUnbounded<JobWorkItem>(s_laneOptions);
        }

        _passedOver = new int[_lanes.Length];
    }

    public string Name { get; }

    public JobQueueOptions Options { get; }

    /// <summary>Gets the number of jobs waiting in the lanes (cancelled ones that no worker has skipped yet included).</summary>
    public int Count => _waiting.CurrentCount;

    /// <summary>Takes a capacity slot without waiting.</summary>
    public bool TryReserve() => _space.Wait(0);

    /// <summary>Takes a capacity slot, waiting for one when the queue is full and in <see cref="QueueFullMode.Wait"/>.</summary>
    public ValueTask ReserveAsync(CancellationToken cancellationToken)
    {
        if (_space.Wait(0, cancellationToken))
        {
            return ValueTask.CompletedTask;
        }

        if (Options.FullMode == QueueFullMode.Reject)
        {
            throw new JobQueueFullException(Name, Options.Capacity);
        }

        return WaitForSpaceAsync(cancellationToken);
    }

    public void ReleaseReservation() => _space.Release();

    /// <summary>Puts a job into its priority's lane, where a worker will find it.</summary>
    public void Push(JobWorkItem item)
    {
        var written = _lanes[LaneOf(item.Priority)].Writer.TryWrite(item);
        Debug.Assert(written, "Unbounded lanes always accept.");
        _waiting.Release();
    }

    /// <summary>Waits for the next job. Returns <see langword="null"/> when the worker should stop.</summary>
    public async ValueTask<JobWorkItem?> TakeAsync()
    {
        while (true)
        {
            if (_stopTaking)
            {
                return null;
            }

            if (_waiting.Wait(0))
            {
                return TakeReserved();
            }

            if (_closing.IsCancellationRequested)
            {
                // Closed and empty: in drain mode the worker is done.
                return null;
            }

            try
            {
                await _waiting.WaitAsync(_closing.Token).ConfigureAwait(false);
                if (_stopTaking)
                {
                    // The permit belongs to a job that the shutdown sweep will cancel; give it back.
                    _waiting.Release();
                    return null;
                }

                return TakeReserved();
            }
            catch (OperationCanceledException) when (_closing.IsCancellationRequested)
            {
                // Loop: take what is left (drain) or stop.
            }
        }
    }

    /// <summary>Stops accepting: wakes producers waiting for space (they fail) and idle workers (they drain, then stop).</summary>
    public void Close()
    {
        try
        {
            _closing.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Workers take no more jobs; whatever is left in the lanes is cancelled by the shutdown sweep.</summary>
    public void StopTaking()
    {
        _stopTaking = true;
        Close();
    }

    /// <summary>Removes and returns every job still in the lanes.</summary>
    public List<JobWorkItem> TakeAll()
    {
        var left = new List<JobWorkItem>();
        foreach (var lane in _lanes)
        {
            while (lane.Reader.TryRead(out var item))
            {
                left.Add(item);
            }
        }

        return left;
    }

    public void Dispose()
    {
        _closing.Dispose();
        _space.Dispose();
        _waiting.Dispose();
    }

    private static int LaneOf(JobPriority priority) => priority switch
    {
        JobPriority.High => 0,
        JobPriority.Low => 2,
        _ => 1,
    };

    private async ValueTask WaitForSpaceAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closing.Token);
        try
        {
            await _space.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw JobQueue.ShutDownException();
        }
    }

    /// <summary>Takes one job after a permit of <see cref="_waiting"/> was acquired: there is then at least one in the lanes.</summary>
    private JobWorkItem? TakeReserved()
    {
        var item = TakeByPriority();
        if (item is null)
        {
            return null;
        }

        if (item.HoldsSlot)
        {
            item.HoldsSlot = false;
            _space.Release();
        }

        return item;
    }

    private JobWorkItem? TakeByPriority()
    {
        // A lower lane whose head was passed over too often goes first, once.
        for (var lane = _lanes.Length - 1; lane > 0; lane--)
        {
            if (Volatile.Read(ref _passedOver[lane]) >= StarvationLimit && _lanes[lane].Reader.TryRead(out var starved))
            {
                Volatile.Write(ref _passedOver[lane], 0);
                return starved;
            }
        }

        while (true)
        {
            for (var lane = 0; lane < _lanes.Length; lane++)
            {
                if (_lanes[lane].Reader.TryRead(out var item))
                {
                    for (var lower = lane + 1; lower < _lanes.Length; lower++)
                    {
                        if (_lanes[lower].Reader.Count > 0)
                        {
                            Interlocked.Increment(ref _passedOver[lower]);
                        }
                    }

                    Volatile.Write(ref _passedOver[lane], 0);
                    return item;
                }
            }

            // Another worker took the job this permit counted between our look at the lanes; the permit
            // guarantees that one is there, so look again, unless the shutdown sweep emptied the lanes.
            if (_stopTaking)
            {
                return null;
            }

            Thread.SpinWait(1);
        }
    }
}
