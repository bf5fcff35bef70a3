namespace BackgroundTasks.Sqlite;

/// <summary>
/// One caller's write, waiting for the writer. The writer runs it inside the batch's transaction and
/// completes the caller's task only after the commit, so a caller never sees a result that was not
/// committed. A caller may cancel while the write waits; once the writer has taken it, it commits.
/// </summary>
internal abstract class WriteOperation
{
    private const int Waiting = 0;
    private const int Taken = 1;
    private const int Cancelled = 2;

    private int _state;
    private CancellationTokenRegistration _registration;

    /// <summary>Watches the caller's token until the writer takes the write.</summary>
    protected void Watch(CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            _registration = cancellationToken.UnsafeRegister(static (state, token) => ((WriteOperation)state!).OnCancelled(token), this);
        }
    }

    /// <summary>Takes the write for this batch; <see langword="false"/> when its caller cancelled it first.</summary>
    public bool TryTake()
    {
        if (Interlocked.CompareExchange(ref _state, Taken, Waiting) != Waiting)
        {
            return false;
        }

        _registration.Dispose();
        return true;
    }

    /// <summary>Runs the write on the writer's connection, inside the batch's transaction; keeps its result or its exception for <see cref="Publish"/>.</summary>
    public abstract void Execute(GroupCommitWriter writer);

    /// <summary>Gets the exception <see cref="Execute"/> threw, if any (its own changes were rolled back).</summary>
    public abstract Exception? Error { get; }

    /// <summary>Hands the caller its result (or its own exception), after the batch committed.</summary>
    public abstract void Publish();

    /// <summary>Hands the caller the exception that stopped the whole batch: nothing of it was committed.</summary>
    public abstract void Fail(Exception exception);

    protected abstract void SetCancelled(CancellationToken cancellationToken);

    private void OnCancelled(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, Cancelled, Waiting) == Waiting)
        {
            SetCancelled(cancellationToken);
        }
    }
}
