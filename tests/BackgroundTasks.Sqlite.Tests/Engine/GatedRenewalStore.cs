namespace BackgroundTasks.Sqlite.Tests.Engine;

/// <summary>
/// A SQLite store whose next lease renewal, once armed, is written and then held back from the engine until the
/// test lets it go: what a renewal whose answer comes late (a busy machine, a group commit) looks like to the heartbeat.
/// </summary>
internal sealed class GatedRenewalStore(SqliteJobStore inner) : IDurableJobStore
{
    private readonly Lock _gate = new();
    private TaskCompletionSource? _written;
    private TaskCompletionSource? _release;
    private TaskCompletionSource? _nextStarted;

    private IDurableJobStore Inner => inner;

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
        if (written is not null)
        {
            written.TrySetResult();
            await release!.Task.WaitAsync(cancellationToken);
        }

        return held;
    }

    public ValueTask AddAsync(JobRecord job, string? owner, CancellationToken cancellationToken = default) => Inner.AddAsync(job, owner, cancellationToken);

    public ValueTask<IReadOnlyList<JobRecord>> ClaimAsync(string queue, string owner, int max, DateTimeOffset now, CancellationToken cancellationToken = default)
        => Inner.ClaimAsync(queue, owner, max, now, cancellationToken);

    public ValueTask<JobTransitionResult> TransitionAsync(JobId id, JobTransition transition, string? owner, CancellationToken cancellationToken = default)
        => Inner.TransitionAsync(id, transition, owner, cancellationToken);

    public ValueTask<IReadOnlyList<JobRecord>> RecoverAsync(DateTimeOffset now, string? host, string currentOwner, CancellationToken cancellationToken = default)
        => Inner.RecoverAsync(now, host, currentOwner, cancellationToken);

    public ValueTask AddAsync(JobRecord job, CancellationToken cancellationToken = default) => Inner.AddAsync(job, cancellationToken);

    public ValueTask<bool> TransitionAsync(JobId id, JobTransition transition, CancellationToken cancellationToken = default) => Inner.TransitionAsync(id, transition, cancellationToken);

    public ValueTask<bool> ReportProgressAsync(JobId id, JobProgress progress, CancellationToken cancellationToken = default) => Inner.ReportProgressAsync(id, progress, cancellationToken);

    public ValueTask<JobRecord?> GetAsync(JobId id, CancellationToken cancellationToken = default) => Inner.GetAsync(id, cancellationToken);

    public ValueTask<IReadOnlyList<JobRecord>> QueryAsync(JobQuery query, CancellationToken cancellationToken = default) => Inner.QueryAsync(query, cancellationToken);

    public ValueTask<IReadOnlyDictionary<(string Queue, JobStatus Status), int>> CountAsync(CancellationToken cancellationToken = default) => Inner.CountAsync(cancellationToken);
}
