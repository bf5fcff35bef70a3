using System.Collections.Concurrent;

namespace BackgroundTasks;

/// <summary>
/// Wakes this host's waiters and watchers of a job that another host changed (<see cref="IJobStoreNotifications.JobChanged"/>),
/// so that they read its record at once instead of at their next poll. One task per job id, completed and forgotten
/// at the job's next change; a waiter takes it before it reads the record, so a change between the read and the wait is not missed.
/// </summary>
internal sealed class JobChangeSignals
{
    private readonly ConcurrentDictionary<JobId, TaskCompletionSource> _next = new();

    /// <summary>Completes at the job's next change reported by the store.</summary>
    public Task NextChangeAsync(JobId id)
        => _next.GetOrAdd(id, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>The store reported a change of the job: wakes whoever waits for it.</summary>
    public void Signal(JobId id)
    {
        if (_next.TryRemove(id, out var next))
        {
            next.TrySetResult();
        }
    }
}
