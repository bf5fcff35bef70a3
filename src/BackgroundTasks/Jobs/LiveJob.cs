namespace BackgroundTasks;

/// <summary>
/// A job as the engine of this process holds it while it is alive: what to run, its settings, its state
/// (waiting, running, finished), the token source of its running attempt, and whoever waits for it or
/// watches it. The store keeps the job's record; this object never leaves the process.
/// </summary>
/// <remarks>
/// State changes take the object's own monitor (<c>lock (this)</c>): a <see cref="Lock"/> field would add
/// an object per job, and the monitor is free until two threads meet on one job. Nothing user-visible
/// runs under it.
/// </remarks>
internal abstract partial class LiveJob(JobId id, JobSettings settings)
{
    private const int Waiting = 0;
    private const int Running = 1;
    private const int Finished = 2;

    private int _state;
    private int _holdsSlot;
    private JobCancelReasonByte _cancelReason;
    private bool _cancelling;
    private bool _claimedAttempt;
    private bool _signalled;
    private CancellationTokenSource? _cts;
    private Extras? _extras;

    public JobId Id { get; } = id;

    public JobSettings Settings { get; } = settings;

    /// <summary>Gets or sets what the store handed back when it recorded the job (see <see cref="StoreAdapter"/>).</summary>
    public object? StoreHandle { get; set; }

    /// <summary>Keeps the handle the store gave when it recorded the job, if it gave one (a durable store gives none, and its claim may have set <see cref="StoreAdapter.Claimed"/> already).</summary>
    public void KeepStoreHandle(object? handle)
    {
        if (handle is not null)
        {
            StoreHandle = handle;
        }
    }

    /// <summary>Gets the number of the latest attempt that started; 0 before the first.</summary>
    public int Attempt { get; private set; }

    /// <summary>Sets a value indicating whether the job holds a slot of its queue's capacity.</summary>
    public bool HoldsSlot
    {
        set => _holdsSlot = value ? 1 : 0;
    }

    /// <summary>Gets why the running attempt's token was fired by the engine; <see cref="JobCancelReason.None"/> if it was not.</summary>
    public JobCancelReason CancelReason
    {
        get => (JobCancelReason)_cancelReason;
        private set => _cancelReason = (JobCancelReasonByte)value;
    }

    public bool IsRunning => Volatile.Read(ref _state) == Running;

    public bool IsFinished => Volatile.Read(ref _state) == Finished;

    /// <summary>Gets or sets the timer that queues a delayed or retrying job when it is due.</summary>
    public ITimer? Timer
    {
        get => _extras?.Timer;
        set
        {
            lock (this)
            {
                ExtrasLocked().Timer = value;
            }
        }
    }

    /// <summary>Gets the serialized arguments of a typed job; <see langword="null"/> for a lambda.</summary>
    public virtual string? Arguments => null;

    /// <summary>Gets the value the last attempt returned, for jobs that return one.</summary>
    public virtual object? Result => null;

    /// <summary>Gives up the job's slot of its queue's capacity: true for exactly one caller, when it held one.</summary>
    public bool TryGiveBackSlot() => Interlocked.Exchange(ref _holdsSlot, 0) == 1;

    /// <summary>Runs the job's code for one attempt.</summary>
    public abstract Task InvokeAsync(JobContext context);

    /// <summary>Starts an attempt, unless the job finished (was cancelled) while it waited.</summary>
    public bool TryStart(CancellationTokenSource cts)
    {
        lock (this)
        {
            if (_state != Waiting)
            {
                return false;
            }

            _state = Running;
            _cts = cts;
            CancelReason = JobCancelReason.None;
            if (!_claimedAttempt)
            {
                Attempt++;
            }

            _claimedAttempt = false;
            return true;
        }
    }

    /// <summary>Readies a job this host claimed from a durable store: the store chose its attempt, and holds it Running for this host.</summary>
    public void PrepareClaimed(int attempt)
    {
        lock (this)
        {
            Attempt = attempt;
            _claimedAttempt = true;
            StoreHandle = StoreAdapter.Claimed;
        }
    }

    /// <summary>
    /// Reads the store handle and the attempt together: a claim (<see cref="PrepareClaimed"/>) changes both, and a
    /// write that paired the claim's handle with the attempt before it would be refused by the owner check.
    /// </summary>
    public (object? Handle, int Attempt) StoreState()
    {
        lock (this)
        {
            return (StoreHandle, Attempt);
        }
    }

    /// <summary>Gets a value indicating whether this host holds the job's claim in a durable store.</summary>
    public bool IsClaimed => ReferenceEquals(StoreHandle, StoreAdapter.Claimed);

    /// <summary>Ends the running attempt's hold on its token source.</summary>
    /// <returns>Whether the source may be reset and reused: not while a cancellation still fires it.</returns>
    public bool EndAttempt()
    {
        lock (this)
        {
            _cts = null;
            return !_cancelling;
        }
    }

    /// <summary>Ends a successful attempt's hold on its token source and claims the right to record the job's terminal status, in one step.</summary>
    /// <param name="finished">Whether the caller now records the terminal status (see <see cref="TryFinish"/>).</param>
    /// <returns>Whether the source may be reset and reused (see <see cref="EndAttempt"/>).</returns>
    public bool EndAttemptAndFinish(out bool finished)
    {
        lock (this)
        {
            _cts = null;
            finished = FinishLocked();
            return !_cancelling;
        }
    }

    /// <summary>Fires the running attempt's token. The first reason given is kept.</summary>
    /// <returns><see langword="true"/> when the job is running (its token fires, or fired already).</returns>
    public bool CancelRunning(JobCancelReason reason)
    {
        CancellationTokenSource? cts;
        lock (this)
        {
            if (_state != Running)
            {
                return false;
            }

            if (CancelReason != JobCancelReason.None)
            {
                return true;
            }

            CancelReason = reason;
            cts = _cts;
            if (cts is null)
            {
                // The attempt has ended and its outcome is being recorded: a retry will not start.
                return true;
            }

            _cancelling = true;
        }

        try
        {
            // Outside the lock: the job's own callbacks run here.
            cts.Cancel();
        }
        catch (AggregateException)
        {
            // A callback the job registered threw; the job sees its token fired all the same.
        }
        finally
        {
            lock (this)
            {
                _cancelling = false;
            }
        }

        return true;
    }

    /// <summary>Ends a job that waits (queued, delayed or retrying) so that it never runs.</summary>
    public bool TryCancelWaiting()
    {
        lock (this)
        {
            if (_state != Waiting)
            {
                return false;
            }

            _state = Finished;
            return true;
        }
    }

    /// <summary>Puts a running job back to waiting, for its retry; fails when it was ended or cancelled meanwhile.</summary>
    public bool TryReturnToWaiting()
    {
        lock (this)
        {
            if (_state != Running || CancelReason != JobCancelReason.None)
            {
                return false;
            }

            _state = Waiting;
            return true;
        }
    }

    /// <summary>Claims the right to record the job's terminal status: true for exactly one caller.</summary>
    public bool TryFinish()
    {
        lock (this)
        {
            return FinishLocked();
        }
    }

    private bool FinishLocked()
    {
        if (_state == Finished)
        {
            return false;
        }

        _state = Finished;
        _extras?.Timer?.Dispose();
        return true;
    }

    /// <summary>Drops the job's code and what it captured, once the job can never run again.</summary>
    protected virtual void ForgetCode()
    {
    }
}
