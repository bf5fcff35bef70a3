using System.Collections.Concurrent;

namespace BackgroundTasks;

/// <summary>
/// One named queue: a lane (a <see cref="ConcurrentQueue{T}"/>) per priority, a capacity counter that
/// gives back-pressure or rejects, and a doorbell that wakes parked workers. The hot path takes no lock
/// of its own: slots are counted with interlocked operations, and workers only touch the doorbell when
/// the lanes are empty.
/// </summary>
internal sealed class NamedJobQueue : IDisposable
{
    /// <summary>How many times in a row a waiting job of a lower priority may be passed over.</summary>
    internal const int StarvationLimit = 8;

    private const int LaneCount = 3;

    private readonly ConcurrentQueue<JobWorkItem>[] _lanes = new ConcurrentQueue<JobWorkItem>[LaneCount];
    private readonly int[] _passedOver = new int[LaneCount];
    private readonly int _capacity;
    private readonly int _resumeAt;
    private readonly int _releaseBatch;
    private readonly Queue<TaskCompletionSource> _producers = new();
    private readonly SemaphoreSlim _doorbell = new(0);
    private readonly CancellationTokenSource _closing = new();
    private int _waitingProducers;

    // The producers write the first on every enqueue and the workers the second on every park: each alone in
    // its cache lines, so that the fields read on every job (capacity, batch size, lanes) stay shared.
    private IsolatedCounter _reserved;
    private IsolatedCounter _parked;
    private volatile bool _stopTaking;

    public NamedJobQueue(JobQueue engine, string name, JobQueueOptions options)
    {
        Engine = engine;
        Name = name;
        Options = options;
        DefaultSettings = new JobSettings(null, this);
        _capacity = options.Capacity;

        // Producers waiting for space are let in once a quarter of the queue is free again, not slot by slot:
        // each wake-up costs them a thread hop, so they come back to enqueue a batch.
        _resumeAt = _capacity - Math.Max(1, _capacity / 4);

        // A worker gives the slots of the jobs it took back in batches (at most 1/64 of the capacity, so that
        // a small queue stays exact), not one interlocked write per job on a counter every producer updates.
        _releaseBatch = Math.Clamp(_capacity / 64, 1, 16);
        for (var i = 0; i < LaneCount; i++)
        {
            _lanes[i] = new ConcurrentQueue<JobWorkItem>();
        }
    }

    /// <summary>Gets the engine the queue belongs to.</summary>
    public JobQueue Engine { get; }

    public string Name { get; }

    public JobQueueOptions Options { get; }

    /// <summary>Gets the settings shared by the jobs enqueued into this queue without options.</summary>
    public JobSettings DefaultSettings { get; }

    /// <summary>Gets the number of jobs waiting in the lanes (cancelled ones that no worker has skipped yet included).</summary>
    public int Count => _lanes[0].Count + _lanes[1].Count + _lanes[2].Count;

    /// <summary>Takes a capacity slot without waiting.</summary>
    /// <remarks>
    /// Fails while producers wait for space, even when a slot is free: they are first in line (they are let
    /// in once a quarter of the queue is free), so a newcomer must not take their slots.
    /// </remarks>
    public bool TryReserve() => Volatile.Read(ref _waitingProducers) == 0 && TryReserveSlot();

    private bool TryReserveSlot()
    {
        var reserved = Volatile.Read(ref _reserved.Value);
        while (reserved < _capacity)
        {
            var seen = Interlocked.CompareExchange(ref _reserved.Value, reserved + 1, reserved);
            if (seen == reserved)
            {
                return true;
            }

            reserved = seen;
        }

        return false;
    }

    /// <summary>Takes a capacity slot, waiting for one when the queue is full and in <see cref="QueueFullMode.Wait"/>.</summary>
    public ValueTask ReserveAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (TryReserve())
        {
            return ValueTask.CompletedTask;
        }

        if (Options.FullMode == QueueFullMode.Reject)
        {
            throw new JobQueueFullException(Name, _capacity);
        }

        return WaitForSpaceAsync(cancellationToken);
    }

    /// <summary>Gives a slot back: the job was not accepted after all.</summary>
    public void ReleaseReservation() => ReleaseReservations(1);

    /// <summary>Gives back the slots of the jobs a worker took and has not given back yet. Call it before the worker waits or stops.</summary>
    public void ReleaseTaken(WorkerState worker)
    {
        if (worker.TakenSlots > 0)
        {
            var taken = worker.TakenSlots;
            worker.TakenSlots = 0;
            ReleaseReservations(taken);
        }
    }

    private void ReleaseReservations(int count)
    {
        if (Interlocked.Add(ref _reserved.Value, -count) <= _resumeAt && Volatile.Read(ref _waitingProducers) > 0)
        {
            GrantWaitingProducers();
        }
    }

    /// <summary>Puts a job into its priority's lane, where a worker will find it.</summary>
    public void Push(JobWorkItem item)
    {
        _lanes[LaneOf(item.Priority)].Enqueue(item);

        // Ring only when a worker is parked and no ring is pending for each of them.
        if (Volatile.Read(ref _parked.Value) > _doorbell.CurrentCount)
        {
            _doorbell.Release();
        }
    }

    /// <summary>Waits for the next job. Returns <see langword="null"/> when the worker should stop.</summary>
    /// <remarks>The worker gives back the slots it took (<see cref="ReleaseTaken"/>) before it calls this, so that producers waiting for space get them.</remarks>
    public async ValueTask<JobWorkItem?> TakeAsync(WorkerState worker)
    {
        while (true)
        {
            if (_stopTaking)
            {
                return null;
            }

            if (TryTake(worker, out var item))
            {
                return item;
            }

            if (_closing.IsCancellationRequested)
            {
                // Closed and empty: in drain mode the worker is done.
                return null;
            }

            Interlocked.Increment(ref _parked.Value);
            try
            {
                // Look once more after announcing the park: a job pushed meanwhile rang, or is seen here.
                if (!_stopTaking && TryTake(worker, out item))
                {
                    return item;
                }

                await _doorbell.WaitAsync(_closing.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_closing.IsCancellationRequested)
            {
                // Closing: loop to take what is left (drain) or stop.
            }
            finally
            {
                Interlocked.Decrement(ref _parked.Value);
            }
        }
    }

    /// <summary>Stops accepting: wakes producers waiting for space (they fail) and parked workers (they drain, then stop).</summary>
    public void Close()
    {
        try
        {
            _closing.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        TaskCompletionSource[] waiting;
        lock (_producers)
        {
            waiting = [.. _producers];
            _producers.Clear();
            Volatile.Write(ref _waitingProducers, 0);
        }

        foreach (var producer in waiting)
        {
            producer.TrySetException(JobQueue.ShutDownException());
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
        for (var lane = 0; lane < LaneCount; lane++)
        {
            while (_lanes[lane].TryDequeue(out var item))
            {
                left.Add(item);
            }
        }

        return left;
    }

    public void Dispose()
    {
        _closing.Dispose();
        _doorbell.Dispose();
    }

    private static int LaneOf(JobPriority priority) => priority switch
    {
        JobPriority.High => 0,
        JobPriority.Low => 2,
        _ => 1,
    };

    private async ValueTask WaitForSpaceAsync(CancellationToken cancellationToken)
    {
        var granted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_producers)
        {
            if (_closing.IsCancellationRequested)
            {
                throw JobQueue.ShutDownException();
            }

            _producers.Enqueue(granted);
            Interlocked.Increment(ref _waitingProducers);
        }

        // A slot freed between the first look and the registration: grant it now.
        GrantWaitingProducers();
        try
        {
            await granted.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Give the slot back if it was granted while the caller gave up; otherwise just leave the line.
            bool stillWaiting;
            lock (_producers)
            {
                stillWaiting = !granted.Task.IsCompleted && granted.TrySetCanceled(cancellationToken);
            }

            if (!stillWaiting && granted.Task.IsCompletedSuccessfully)
            {
                ReleaseReservation();
            }

            throw;
        }
    }

    /// <summary>Hands free slots to producers waiting in line, oldest first.</summary>
    private void GrantWaitingProducers()
    {
        while (true)
        {
            TaskCompletionSource? next = null;
            lock (_producers)
            {
                // Skip producers that gave up; take a slot only when someone is there to get it.
                while (_producers.TryPeek(out var head) && head.Task.IsCompleted)
                {
                    _producers.Dequeue();
                    Interlocked.Decrement(ref _waitingProducers);
                }

                if (_producers.Count > 0 && TryReserveSlot())
                {
                    next = _producers.Dequeue();
                    Interlocked.Decrement(ref _waitingProducers);
                    next.TrySetResult();
                }
            }

            if (next is null)
            {
                return;
            }
        }
    }

    /// <summary>Takes the next job if one waits, by priority (with the starvation limit); never waits.</summary>
    /// <param name="worker">The worker, which keeps count of the slots it took until it gives them back (<see cref="ReleaseTaken"/>).</param>
    /// <param name="item">The job.</param>
    /// <returns><see langword="true"/> when a job was taken.</returns>
    public bool TryTake(WorkerState worker, out JobWorkItem item)
    {
        if (_stopTaking)
        {
            item = null!;
            return false;
        }

        // A lower lane whose head was passed over too often goes first, once.
        for (var lane = LaneCount - 1; lane > 0; lane--)
        {
            if (Volatile.Read(ref _passedOver[lane]) >= StarvationLimit && TryTakeFrom(worker, lane, out item))
            {
                Volatile.Write(ref _passedOver[lane], 0);
                return true;
            }
        }

        for (var lane = 0; lane < LaneCount; lane++)
        {
            if (TryTakeFrom(worker, lane, out item))
            {
                for (var lower = lane + 1; lower < LaneCount; lower++)
                {
                    if (!_lanes[lower].IsEmpty)
                    {
                        Interlocked.Increment(ref _passedOver[lower]);
                    }
                }

                if (Volatile.Read(ref _passedOver[lane]) != 0)
                {
                    Volatile.Write(ref _passedOver[lane], 0);
                }

                return true;
            }
        }

        item = null!;
        return false;
    }

    private bool TryTakeFrom(WorkerState worker, int lane, out JobWorkItem item)
    {
        if (!_lanes[lane].TryDequeue(out item!))
        {
            return false;
        }

        if (item.HoldsSlot)
        {
            item.HoldsSlot = false;
            if (++worker.TakenSlots >= _releaseBatch || Volatile.Read(ref _waitingProducers) > 0)
            {
                ReleaseTaken(worker);
            }
        }

        return true;
    }
}
