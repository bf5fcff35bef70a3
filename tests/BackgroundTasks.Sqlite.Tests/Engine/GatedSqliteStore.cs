namespace BackgroundTasks.Sqlite.Tests.Engine;

/// <summary>
/// A SQLite store whose next lease renewal, once armed, is written and then held back from the engine until the
/// test lets it go: what a renewal whose answer comes late (a busy machine, a group commit) looks like to the heartbeat.
/// Outcomes can be held back the same way (<see cref="HoldOutcomes"/>): a store that commits slower than jobs run. A
/// claim can be held until the host stops (<see cref="HoldNextClaimUntilStopping"/>).
/// </summary>
internal sealed class GatedSqliteStore(SqliteJobStore inner) : IDurableJobStore
{
    private readonly Lock _gate = new();
    private TaskCompletionSource? _written;
    private TaskCompletionSource? _release;
    private TaskCompletionSource? _nextStarted;
    private TaskCompletionSource? _claimHeld;

    private Task? _outcomesReleased;
    private int _heldOutcomes;
    private int _renewals;

    private IDurableJobStore Inner => inner;

    /// <summary>Gets how many owner-checked terminal writes wait for the release given to <see cref="HoldOutcomes"/>.</summary>
    public int HeldOutcomes => Volatile.Read(ref _heldOutcomes);

    /// <summary>Gets how many lease renewals were written.</summary>
    public int Renewals => Volatile.Read(ref _renewals);

    /// <summary>Holds every owner-checked terminal write (a job's outcome) until <paramref name="release"/> completes.</summary>
    public void HoldOutcomes(Task release) => Volatile.Write(ref _outcomesReleased, release);

    public TimeSpan LeaseDuration => Inner.LeaseDuration;

    /// <summary>Holds the next renewal back after it is written.</summary>
    /// <returns>Completes once that renewal is written; complete <paramref name="release"/> to hand its answer to the engine.</returns>
    public Task HoldNextRenewal(TaskCompletionSource release)
    {
        lock (_gate)
        {
            _written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _release = release;
            return _written.Task;
        }
    }

    /// <summary>Completes when the renewal after the current one starts: the heartbeat has dealt with the answer before it.</summary>
    public Task NextRenewalStarted()
    {
        lock (_gate)
        {
            _nextStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _nextStarted.Task;
        }
    }

    public async ValueTask<IReadOnlyList<JobId>> RenewLeasesAsync(string owner, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        TaskCompletionSource? written, release, started;
        lock (_gate)
        {
            (written, release, started) = (_written, _release, _nextStarted);
            (_written, _release, _nextStarted) = (null, null, null);
        }

        started?.TrySetResult();
        var held = await Inner.RenewLeasesAsync(owner, now, cancellationToken);
        Interlocked.Increment(ref _renewals);
        if (written is not null)
        {
            written.TrySetResult();
            await release!.Task.WaitAsync(cancellationToken);
        }

        return held;
    }

    public ValueTask AddAsync(JobRecord job, string? owner, CancellationToken cancellationToken = default) => Inner.AddAsync(job, owner, cancellationToken);

    /// <summary>
    /// Holds the next claim until the engine stops claiming (its token fires), and then writes it: the claim's answer
    /// comes on the writer's thread while the host stops.
    /// </summary>
    /// <returns>Completes once that claim waits.</returns>
    public Task HoldNextClaimUntilStopping()
    {
        lock (_gate)
        {
            _claimHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _claimHeld.Task;
        }
    }

    public async ValueTask<IReadOnlyList<JobRecord>> ClaimAsync(string queue, string owner, int max, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        TaskCompletionSource? held;
        lock (_gate)
        {
            (held, _claimHeld) = (_claimHeld, null);
        }

        if (held is null)
        {
            return await Inner.ClaimAsync(queue, owner, max, now, cancellationToken);
        }

        var stopping = Until.Cancelled(cancellationToken);
        held.SetResult();
        await Task.WhenAny(stopping);
        return await Inner.ClaimAsync(queue, owner, max, now, CancellationToken.None);
    }

    public async ValueTask<JobTransitionResult> TransitionAsync(JobId id, JobTransition transition, string? owner, CancellationToken cancellationToken = default)
    {
        if (owner is not null && transition.Status.IsTerminal() && Volatile.Read(ref _outcomesReleased) is { } release)
        {
            Interlocked.Increment(ref _heldOutcomes);
            await release.WaitAsync(cancellationToken);
            Interlocked.Decrement(ref _heldOutcomes);
        }

        return await Inner.TransitionAsync(id, transition, owner, cancellationToken);
    }

    public ValueTask<IReadOnlyList<JobRecord>> RecoverAsync(DateTimeOffset now, string? host, string currentOwner, CancellationToken cancellationToken = default)
        => Inner.RecoverAsync(now, host, currentOwner, cancellationToken);

    public ValueTask AddAsync(JobRecord job, CancellationToken cancellationToken = default) => Inner.AddAsync(job, cancellationToken);

    public ValueTask<bool> TransitionAsync(JobId id, JobTransition transition, CancellationToken cancellationToken = default) => Inner.TransitionAsync(id, transition, cancellationToken);

    public ValueTask<bool> ReportProgressAsync(JobId id, JobProgress progress, CancellationToken cancellationToken = default) => Inner.ReportProgressAsync(id, progress, cancellationToken);

    public ValueTask<JobRecord?> GetAsync(JobId id, CancellationToken cancellationToken = default) => Inner.GetAsync(id, cancellationToken);

    public ValueTask<IReadOnlyList<JobRecord>> QueryAsync(JobQuery query, CancellationToken cancellationToken = default) => Inner.QueryAsync(query, cancellationToken);

    public ValueTask<IReadOnlyDictionary<(string Queue, JobStatus Status), int>> CountAsync(CancellationToken cancellationToken = default) => Inner.CountAsync(cancellationToken);
}
