using System.Collections.Concurrent;

namespace BackgroundTasks.Tests;

/// <summary>An in-memory store that remembers every call and lets a test await a condition on a job's record.</summary>
public class RecordingJobStore(IJobStore? inner = null) : IJobStore
{
    private readonly IJobStore _inner = inner ?? new InMemoryJobStore();
    private readonly Lock _gate = new();
    private readonly List<(Func<bool> Condition, TaskCompletionSource Done)> _waiters = [];

    public ConcurrentQueue<(JobId Id, JobStatus Status)> Transitions { get; } = new();

    public int ProgressWrites => Volatile.Read(ref _progressWrites);

    private int _progressWrites;

    public async ValueTask AddAsync(JobRecord job, CancellationToken cancellationToken = default)
    {
        await _inner.AddAsync(job, cancellationToken);
        Transitions.Enqueue((job.Id, job.Status));
        Notify();
    }

    public async ValueTask<JobId> AddUniqueAsync(JobRecord job, DateTimeOffset? finishedSince, CancellationToken cancellationToken = default)
    {
        var holder = await _inner.AddUniqueAsync(job, finishedSince, cancellationToken);
        if (holder == job.Id)
        {
            Transitions.Enqueue((job.Id, job.Status));
        }

        Notify();
        return holder;
    }

    public async ValueTask<bool> TransitionAsync(JobId id, JobTransition transition, CancellationToken cancellationToken = default)
    {
        var applied = await _inner.TransitionAsync(id, transition, cancellationToken);
        if (applied)
        {
            Transitions.Enqueue((id, transition.Status));
        }

        Notify();
        return applied;
    }

    public async ValueTask<bool> ReportProgressAsync(JobId id, JobProgress progress, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _progressWrites);
        var applied = await _inner.ReportProgressAsync(id, progress, cancellationToken);
        Notify();
        return applied;
    }

    public ValueTask<JobRecord?> GetAsync(JobId id, CancellationToken cancellationToken = default) => _inner.GetAsync(id, cancellationToken);

    public ValueTask<IReadOnlyList<JobRecord>> QueryAsync(JobQuery query, CancellationToken cancellationToken = default) => _inner.QueryAsync(query, cancellationToken);

    public JobRecord Get(JobId id) => _inner.GetAsync(id).Result ?? throw new AssertionException($"The store does not know job {id}.");

    public IReadOnlyList<JobStatus> StatusesOf(JobId id) => Transitions.Where(t => t.Id == id).Select(t => t.Status).ToList();

    /// <summary>Waits until <paramref name="condition"/> holds for the job's record; checked after every store write.</summary>
    public Task<JobRecord> WaitForAsync(JobId id, Func<JobRecord, bool> condition, string? what, CancellationToken cancellationToken)
        => WaitUntilAsync(() => _inner.GetAsync(id).Result is { } r && condition(r), what ?? $"job {id} to match", cancellationToken)
            .ContinueWith(_ => Get(id), cancellationToken, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);

    public Task<JobRecord> WaitForStatusAsync(JobId id, JobStatus status, CancellationToken cancellationToken)
        => WaitForAsync(id, r => r.Status == status, $"job {id} to be {status}", cancellationToken);

    /// <summary>Waits until <paramref name="condition"/> holds; checked now and after every store write.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, string what, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (condition())
            {
                return;
            }

            _waiters.Add((condition, done));
        }

        try
        {
            await done.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"Timed out waiting for {what}.");
        }
    }

    /// <summary>Records a change the store applied, and wakes the waiters whose condition now holds.</summary>
    protected void Applied(JobId id, JobStatus status)
    {
        Transitions.Enqueue((id, status));
        Notify();
    }

    private void Notify()
    {
        lock (_gate)
        {
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Condition())
                {
                    _waiters[i].Done.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }
}
