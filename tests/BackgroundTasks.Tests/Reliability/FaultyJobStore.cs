using System.Collections.Concurrent;

namespace BackgroundTasks.Tests.Reliability;

/// <summary>
/// Wraps a user-written store (<see cref="DictionaryJobStore"/>) and, decided by a seeded random, throws or stalls on some writes. Keeps the
/// sequence of statuses each job really reached, so that a test can check that none moved backwards.
/// </summary>
public sealed class FaultyJobStore(int seed, double throwRate, double stallRate) : IJobStore
{
    private readonly DictionaryJobStore _inner = new(maxFinished: int.MaxValue);
    private readonly Random _random = new(seed);
    private readonly Lock _gate = new();

    public ConcurrentDictionary<JobId, ConcurrentQueue<JobStatus>> Applied { get; } = new();

    public int ThrownCount => Volatile.Read(ref _thrown);

    public int StalledCount => Volatile.Read(ref _stalled);

    private int _thrown;
    private int _stalled;

    public async ValueTask AddAsync(JobRecord job, CancellationToken cancellationToken = default)
    {
        await MaybeFailAsync(nameof(AddAsync));
        await _inner.AddAsync(job, cancellationToken);
        Applied.GetOrAdd(job.Id, _ => new ConcurrentQueue<JobStatus>()).Enqueue(job.Status);
    }

    public async ValueTask<bool> TransitionAsync(JobId id, JobTransition transition, CancellationToken cancellationToken = default)
    {
        await MaybeFailAsync(nameof(TransitionAsync));
        lock (_gate)
        {
            // Applying and logging together keeps the log in the order the store applied the changes.
            var applied = _inner.TransitionAsync(id, transition, cancellationToken).Result;
            if (applied)
            {
                Applied[id].Enqueue(transition.Status);
            }

            return applied;
        }
    }

    public async ValueTask<bool> ReportProgressAsync(JobId id, JobProgress progress, CancellationToken cancellationToken = default)
    {
        await MaybeFailAsync(nameof(ReportProgressAsync));
        return await _inner.ReportProgressAsync(id, progress, cancellationToken);
    }

    public ValueTask<JobRecord?> GetAsync(JobId id, CancellationToken cancellationToken = default) => _inner.GetAsync(id, cancellationToken);

    public ValueTask<IReadOnlyList<JobRecord>> QueryAsync(JobQuery query, CancellationToken cancellationToken = default) => _inner.QueryAsync(query, cancellationToken);

    private async ValueTask MaybeFailAsync(string operation)
    {
        double roll;
        lock (_gate)
        {
            roll = _random.NextDouble();
        }

        if (roll < throwRate)
        {
            Interlocked.Increment(ref _thrown);
            throw new IOException($"Injected store fault in {operation}.");
        }

        if (roll < throwRate + stallRate)
        {
            // A slow store: give the thread away and come back later.
            Interlocked.Increment(ref _stalled);
            await Task.Yield();
            await Task.Run(() => Thread.SpinWait(2_000));
        }
    }
}
