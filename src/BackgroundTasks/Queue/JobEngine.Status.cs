namespace BackgroundTasks;

/// <summary>What the engine tells about itself: whether its worker pool runs, and how full its queues are.</summary>
internal sealed partial class JobEngine
{
    private volatile bool _poolStarting;
    private Task? _workerLoops;
    private Task? _claimLoops;

    /// <summary>Tells the engine its worker pool is starting: the host started the hosted service, whose loops start on a thread of their own.</summary>
    public void PoolStarting() => _poolStarting = true;

    /// <summary>Tells the engine its worker pool's loops started; they end only when the host stops (or through a bug).</summary>
    /// <param name="workers">Completes when every worker loop has ended.</param>
    /// <param name="claims">Completes when the claim loops of a durable store have ended (at once for other stores).</param>
    public void PoolStarted(Task workers, Task claims)
    {
        Volatile.Write(ref _claimLoops, claims);
        Volatile.Write(ref _workerLoops, workers);
    }

    /// <summary>Takes a snapshot of the worker pool and the queues.</summary>
    public JobEngineStatus GetStatus()
    {
        var workersEnded = Volatile.Read(ref _workerLoops) is { IsCompleted: true };
        var claimsEnded = Claimer is not null && Volatile.Read(ref _claimLoops) is { IsCompleted: true };
        var queues = new List<JobQueueStatus>(_queues.Count);
        foreach (var queue in _queues.Values)
        {
            queues.Add(new JobQueueStatus
            {
                Name = queue.Name,
                Workers = queue.Options.Workers,
                Capacity = queue.Options.Capacity,
                Length = queue.Count,
                IsFull = Claimer is null && queue.FreeSlots == 0,
            });
        }

        return new JobEngineStatus { IsRunning = _poolStarting && !_closed && !workersEnded && !claimsEnded, Queues = queues };
    }
}
