using System.Diagnostics;

namespace BackgroundTasks;

/// <summary>
/// One accepted job while it lives in this process: its delegate, settings and in-process state. The
/// state field makes sure that exactly one of the worker, a cancellation and the shutdown sweep ends it.
/// </summary>
/// <remarks>
/// The item is also the job's entry in the <see cref="InMemoryJobStore"/> (see <see cref="JobEntry"/>):
/// with the default store a tracked job is this one object. Its monitor guards both the state machine and
/// the recorded fields, so a worker starts or ends a job, record included, under one lock.
/// </remarks>
internal abstract class JobWorkItem : JobEntry
{
    private const int Waiting = 0;
    private const int Running = 1;
    private const int Finished = 2;

    private readonly JobSettings _settings;
    private int _state;
    private bool _signalled;
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
        lock (this)
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
        lock (this)
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
        lock (this)
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
    public void DetachToken()
    {
        lock (this)
        {
            _runningCts = null;
        }
    }

    /// <summary>Ends a job that is not running (queued, delayed or waiting to retry). The caller must then record it cancelled.</summary>
    public bool TryCancelWaiting()
    {
        lock (this)
        {
            if (_state != Waiting)
            {
                return false;
            }

            FinishLocked();
            return true;
        }
    }

    /// <summary>Ends the job in this process, whatever its state. Only the first caller succeeds; it must then record the terminal status.</summary>
    public bool TryFinish()
    {
        lock (this)
        {
            if (_state == Finished)
            {
                return false;
            }

            FinishLocked();
            return true;
        }
    }

    /// <summary>Ends a job whose attempt succeeded and records it Succeeded in the same step (the in-memory store's path).</summary>
    public bool TryFinishSucceeded(long now, object? result)
    {
        lock (this)
        {
            if (_state == Finished)
            {
                return false;
            }

            FinishLocked();
            ApplyLocked(JobStatus.Succeeded, Attempt, now, result: result);
            return true;
        }
    }

    private void FinishLocked()
    {
        _state = Finished;
        _runningCts = null;
        ForgetDelegate();
        if (DetailsOrNull is { Timer: { } timer } details)
        {
            timer.Dispose();
            details.Timer = null;
        }
    }

    /// <summary>Fires a running job's token, remembering why; a job between two attempts will not be retried.</summary>
    /// <returns><see langword="true"/> when the job was running.</returns>
    public bool CancelRunning(JobCancelReason reason)
    {
        lock (this)
        {
            if (_state != Running)
            {
                return false;
            }

            if (CancelReason == JobCancelReason.None)
            {
                CancelReason = reason;
            }

            // Cancel under the lock: the worker detaches the source under the same lock before it reuses it.
            try
            {
                _runningCts?.Cancel();
            }
            catch (AggregateException)
            {
                // A callback the job registered threw; the job sees its token cancelled all the same.
            }
        }

        return true;
    }

    /// <summary>Completes the waiters of <see cref="WhenFinished"/> and tells the watchers. Called once, after the terminal status is recorded.</summary>
    public void SignalFinished()
    {
        Debug.Assert(IsFinished);
        TaskCompletionSource? finished = null;
        List<Action>? watchers = null;
        lock (this)
        {
            Volatile.Write(ref _signalled, true);
            if (DetailsOrNull is { } extras)
            {
                finished = extras.Finished;
                watchers = extras.Watchers;
                extras.Finished = null;
                extras.Watchers = null;
            }
        }

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
        lock (this)
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
        lock (this)
        {
            if (_signalled)
            {
                changed();
                return EmptyDisposable.Instance;
            }

            (Details.Watchers ??= []).Add(changed);
        }

        return new Unwatch(this, changed);
    }

    /// <summary>Gets a task that completes once the job's terminal status is recorded.</summary>
    public Task WhenFinished()
    {
        lock (this)
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
            lock (item)
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
