using System.Diagnostics;

namespace BackgroundTasks;

/// <summary>
/// One accepted job while it lives in this process: its delegate, settings and in-process state. The
/// state field makes sure that exactly one of the worker, a cancellation and the shutdown sweep ends it.
/// </summary>
/// <remarks>
/// The item is also the job's entry in the <see cref="InMemoryJobStore"/> (see <see cref="JobEntry"/>):
/// with the default store a tracked job is this one object. Its gate guards both the state machine and
/// the recorded fields, so a worker starts or ends a job, record included, under one lock. Nothing that
/// can call out (a token's callbacks, a watcher, a timer's disposal) runs under the gate.
/// </remarks>
internal abstract class JobWorkItem : JobEntry
{
    private const int Waiting = 0;
    private const int Running = 1;
    private const int Finished = 2;

    private readonly JobSettings _settings;
    private int _state;
    private bool _signalled;
    private bool _cancelling;
    private CancellationTokenSource? _runningCts;

    protected JobWorkItem(JobId id, NamedJobQueue queue, JobOptions? options)
        : base(id)
    {
        _settings = options is null ? queue.DefaultSettings : new JobSettings(options, queue);
    }

    public NamedJobQueue Queue => _settings.Queue;

    public override string? Name => _settings.Name;

    public override string QueueName => Queue.Name;

    public override JobPriority Priority => _settings.Priority;

    public TimeSpan Timeout => _settings.Timeout;

    public override int MaxAttempts => _settings.MaxAttempts;

    public RetryBackoff Backoff => _settings.Backoff;

    public override JobId? ParentId => _settings.ParentId;

    /// <summary>Gets or sets a value indicating whether the job took one of its queue's capacity slots.</summary>
    public bool HoldsSlot { get; set; }

    /// <summary>Gets or sets the timer of a delayed or retrying job.</summary>
    public ITimer? Timer
    {
        get => DetailsOrNull?.Timer;
        set
        {
            if (value is not null || DetailsOrNull is not null)
            {
                Details.Timer = value;
            }
        }
    }

    /// <summary>Gets why the job's token was cancelled by the library, if it was.</summary>
    public JobCancelReason CancelReason { get; private set; }

    /// <summary>Gets the value the job returned, if it returns one.</summary>
    public virtual object? Result => null;

    public bool IsFinished => Volatile.Read(ref _state) == Finished;

    public bool IsRunning => Volatile.Read(ref _state) == Running;

    /// <summary>Gets a value indicating whether the terminal status is recorded and the waiters were told: the job is no longer live.</summary>
    public bool IsSignalled => Volatile.Read(ref _signalled);

    /// <summary>Runs the job's delegate once.</summary>
    public abstract Task InvokeAsync(JobContext context);

    /// <summary>Lets go of the delegate (and what it captured) once the job has finished; the store may keep the item for a while.</summary>
    protected abstract void ForgetDelegate();

    /// <summary>Claims a waiting job for a worker. Fails when the job was cancelled meanwhile.</summary>
    public bool TryStart(CancellationTokenSource cts)
    {
        using (Guard())
        {
            if (_state != Waiting)
            {
                return false;
            }

            _state = Running;
            _runningCts = cts;
            Attempt++;
            return true;
        }
    }

    /// <summary>Claims a waiting job for a worker and records it Running in the same step (the in-memory store's path).</summary>
    public bool TryStartRecorded(CancellationTokenSource cts, long now)
    {
        using (Guard())
        {
            if (_state != Waiting)
            {
                return false;
            }

            _state = Running;
            _runningCts = cts;
            ApplyLocked(JobStatus.Running, Attempt + 1, now);
            return true;
        }
    }

    /// <summary>Puts a running job back to waiting, for a retry; fails when it was cancelled meanwhile.</summary>
    public bool TryReturnToWaiting()
    {
        using (Guard())
        {
            _runningCts = null;
            if (_state != Running || CancelReason != JobCancelReason.None)
            {
                return false;
            }

            _state = Waiting;
            return true;
        }
    }

    /// <summary>Detaches the running job's token source, so that a later cancellation cannot reach the next job that reuses it.</summary>
    /// <returns><see langword="false"/> when a cancellation is firing the source right now: it must not be reset, reused or disposed.</returns>
    public bool DetachToken()
    {
        using (Guard())
        {
            _runningCts = null;
            return !_cancelling;
        }
    }

    /// <summary>Ends a job that is not running (queued, delayed or waiting to retry). The caller must then record it cancelled.</summary>
    public bool TryCancelWaiting()
    {
        ITimer? timer;
        using (Guard())
        {
            if (_state != Waiting)
            {
                return false;
            }

            timer = FinishLocked();
        }

        timer?.Dispose();
        return true;
    }

    /// <summary>Ends the job in this process, whatever its state. Only the first caller succeeds; it must then record the terminal status.</summary>
    public bool TryFinish()
    {
        ITimer? timer;
        using (Guard())
        {
            if (_state == Finished)
            {
                return false;
            }

            timer = FinishLocked();
        }

        timer?.Dispose();
        return true;
    }

    /// <summary>
    /// Ends a job whose attempt succeeded, records it Succeeded and lets it go (no longer live) in one step:
    /// the in-memory store's path for a job that finished at once.
    /// </summary>
    /// <param name="now">The finish time.</param>
    /// <param name="result">The job's result.</param>
    /// <param name="tokenReusable">Whether the worker's token source may be reset and reused (no cancellation is firing it).</param>
    /// <param name="waiting">What waits for the job, to be told once the store has taken the job in (<see cref="Release"/>).</param>
    /// <param name="recorded">
    /// Whether Succeeded was recorded: <see langword="false"/> when somebody wrote a terminal status through the
    /// store meanwhile (see <see cref="JobQueue.ApplyFromStore"/>), which stays.
    /// </param>
    /// <returns><see langword="false"/> when the job had already ended (cancelled by the shutdown sweep).</returns>
    public bool TryFinishSucceeded(long now, object? result, out bool tokenReusable, out EntryDetails? waiting, out bool recorded)
    {
        ITimer? timer;
        using (Guard())
        {
            tokenReusable = !_cancelling;
            _runningCts = null;
            if (_state == Finished)
            {
                waiting = null;
                recorded = false;
                return false;
            }

            timer = FinishLocked();
            recorded = !Status.IsTerminal();
            if (recorded)
            {
                ApplyLocked(JobStatus.Succeeded, Attempt, now, result: result);
            }

            _signalled = true;
            waiting = DetailsOrNull is { } details && (details.Finished is not null || details.Watchers is not null) ? details : null;
        }

        timer?.Dispose();
        return true;
    }

    /// <summary>
    /// Applies a transition written through the store (not by the library) and, when it is terminal, ends a
    /// waiting job here too: it will not run. A running job is left to its worker, whose own terminal
    /// transition the store will then refuse.
    /// </summary>
    /// <returns>Whether the transition was applied, and whether it ended the job here.</returns>
    public (bool Applied, bool Ended) ApplyFromStore(in JobTransition change)
    {
        ITimer? timer = null;
        bool ended;
        using (Guard())
        {
            if (!TryApplyLocked(change))
            {
                return (false, false);
            }

            ended = change.Status.IsTerminal() && _state == Waiting;
            if (ended)
            {
                timer = FinishLocked();
            }
        }

        timer?.Dispose();
        return (true, ended);
    }

    /// <summary>Tells what waited for a job that <see cref="TryFinishSucceeded"/> ended.</summary>
    public void Release(EntryDetails waiting)
    {
        (TaskCompletionSource? Finished, List<Action>? Watchers) taken;
        using (Guard())
        {
            taken = TakeWaitersLocked(waiting);
        }

        Notify(taken.Finished, taken.Watchers);
    }

    private ITimer? FinishLocked()
    {
        _state = Finished;
        _runningCts = null;
        ForgetDelegate();
        if (DetailsOrNull is { Timer: { } timer } details)
        {
            details.Timer = null;
            return timer;
        }

        return null;
    }

    /// <summary>Fires a running job's token, remembering why; a job between two attempts will not be retried.</summary>
    /// <returns><see langword="true"/> when the job was running.</returns>
    public bool CancelRunning(JobCancelReason reason)
    {
        CancellationTokenSource? cts;
        using (Guard())
        {
            if (_state != Running)
            {
                return false;
            }

            if (CancelReason == JobCancelReason.None)
            {
                CancelReason = reason;
            }

            // Fire it outside the gate (its callbacks are the job's code); while it fires, the worker that owns
            // the source neither resets nor reuses nor disposes it (see DetachToken).
            cts = _runningCts;
            if (cts is null || _cancelling)
            {
                return true;
            }

            _cancelling = true;
        }

        try
        {
            cts.Cancel();
        }
        catch (AggregateException)
        {
            // A callback the job registered threw; the job sees its token cancelled all the same.
        }
        finally
        {
            using (Guard())
            {
                _cancelling = false;
            }
        }

        return true;
    }

    /// <summary>Completes the waiters of <see cref="WhenFinished"/> and tells the watchers. Called once, after the terminal status is recorded.</summary>
    public void SignalFinished()
    {
        Debug.Assert(IsFinished);
        (TaskCompletionSource? Finished, List<Action>? Watchers) taken = default;
        using (Guard())
        {
            Volatile.Write(ref _signalled, true);
            if (DetailsOrNull is { } extras)
            {
                taken = TakeWaitersLocked(extras);
            }
        }

        Notify(taken.Finished, taken.Watchers);
    }

    private static (TaskCompletionSource? Finished, List<Action>? Watchers) TakeWaitersLocked(EntryDetails details)
    {
        var taken = (details.Finished, details.Watchers);
        details.Finished = null;
        details.Watchers = null;
        return taken;
    }

    private static void Notify(TaskCompletionSource? finished, List<Action>? watchers)
    {
        finished?.TrySetResult();
        if (watchers is not null)
        {
            foreach (var watcher in watchers)
            {
                watcher();
            }
        }
    }

    /// <summary>Tells the watchers that the job's record changed in the store. Cheap when nobody watches.</summary>
    public void SignalChanged()
    {
        if (DetailsOrNull is not { } extras || Volatile.Read(ref extras.Watchers) is null)
        {
            return;
        }

        Action[] watchers;
        using (Guard())
        {
            if (extras.Watchers is null)
            {
                return;
            }

            watchers = [.. extras.Watchers];
        }

        foreach (var watcher in watchers)
        {
            watcher();
        }
    }

    /// <summary>Calls <paramref name="changed"/> after each change of the job's record, and once more when it finishes.</summary>
    /// <returns>Stops the calls when disposed.</returns>
    public IDisposable Watch(Action changed)
    {
        using (Guard())
        {
            if (!_signalled)
            {
                (Details.Watchers ??= []).Add(changed);
                return new Unwatch(this, changed);
            }
        }

        changed();
        return EmptyDisposable.Instance;
    }

    /// <summary>Gets a task that completes once the job's terminal status is recorded.</summary>
    public Task WhenFinished()
    {
        using (Guard())
        {
            return _signalled
                ? Task.CompletedTask
                : (Details.Finished ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }

    private sealed class Unwatch(JobWorkItem item, Action changed) : IDisposable
    {
        public void Dispose()
        {
            using (item.Guard())
            {
                item.DetailsOrNull?.Watchers?.Remove(changed);
            }
        }
    }

    private sealed class EmptyDisposable : IDisposable
    {
        public static readonly EmptyDisposable Instance = new();

        public void Dispose()
        {
        }
    }
}
