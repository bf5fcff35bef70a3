using System.Diagnostics;

namespace BackgroundTasks;

/// <summary>
/// One accepted job while it lives in this process: its delegate, settings and in-process state. The
/// state field makes sure that exactly one of the worker, a cancellation and the shutdown sweep ends it.
/// </summary>
internal abstract class JobWorkItem
{
    private const int Waiting = 0;
    private const int Running = 1;
    private const int Finished = 2;

    private static readonly TaskCompletionSource s_finishedSentinel = CreateSentinel();

    private readonly JobSettings _settings;
    private int _state;
    private CancellationTokenSource? _runningCts;
    private TaskCompletionSource? _finished;
    private List<Action>? _watchers;

    protected JobWorkItem(JobId id, NamedJobQueue queue, JobOptions? options)
    {
        Id = id;
        Queue = queue;
        _settings = options is null ? queue.DefaultSettings : new JobSettings(options, queue.Options);
    }

    public JobId Id { get; }

    /// <summary>Gets the monitor that guards the state; the item is internal, so nobody else locks it.</summary>
    private object Gate => this;

    public NamedJobQueue Queue { get; }

    public string? Name => _settings.Name;

    public JobPriority Priority => _settings.Priority;

    public TimeSpan Timeout => _settings.Timeout;

    public int MaxAttempts => _settings.MaxAttempts;

    public RetryBackoff Backoff => _settings.Backoff;

    public JobId? ParentId => _settings.ParentId;

    /// <summary>Gets or sets the attempt that runs or ran last, counting from 1.</summary>
    public int Attempt { get; set; }

    /// <summary>Gets or sets a value indicating whether the job took one of its queue's capacity slots.</summary>
    public bool HoldsSlot { get; set; }

    /// <summary>Gets or sets the timer of a delayed or retrying job.</summary>
    public ITimer? Timer { get; set; }

    /// <summary>Gets why the job's token was cancelled by the library, if it was.</summary>
    public JobCancelReason CancelReason { get; private set; }

    /// <summary>Gets the value the job returned, if it returns one.</summary>
    public virtual object? Result => null;

    public bool IsFinished => Volatile.Read(ref _state) == Finished;

    public bool IsRunning => Volatile.Read(ref _state) == Running;

    /// <summary>Runs the job's delegate once.</summary>
    public abstract Task InvokeAsync(JobContext context);

    /// <summary>Claims a waiting job for a worker. Fails when the job was cancelled meanwhile.</summary>
    public bool TryStart(CancellationTokenSource cts)
    {
        lock (Gate)
        {
            if (_state != Waiting)
            {
                return false;
            }

            _state = Running;
            _runningCts = cts;
            return true;
        }
    }

    /// <summary>Puts a running job back to waiting, for a retry; fails when it was cancelled meanwhile.</summary>
    public bool TryReturnToWaiting()
    {
        lock (Gate)
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
        lock (Gate)
        {
            _runningCts = null;
        }
    }

    /// <summary>Ends a job that is not running (queued, delayed or waiting to retry). The caller must then record it cancelled.</summary>
    public bool TryCancelWaiting()
    {
        lock (Gate)
        {
            if (_state != Waiting)
            {
                return false;
            }

            return FinishLocked();
        }
    }

    /// <summary>Ends the job in this process, whatever its state. Only the first caller succeeds; it must then record the terminal status.</summary>
    public bool TryFinish()
    {
        lock (Gate)
        {
            return _state != Finished && FinishLocked();
        }
    }

    private bool FinishLocked()
    {
        _state = Finished;
        _runningCts = null;
        Timer?.Dispose();
        Timer = null;
        return true;
    }

    /// <summary>Fires a running job's token, remembering why; a job between two attempts will not be retried.</summary>
    /// <returns><see langword="true"/> when the job was running.</returns>
    public bool CancelRunning(JobCancelReason reason)
    {
        lock (Gate)
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
        TaskCompletionSource? finished;
        List<Action>? watchers;
        lock (Gate)
        {
            finished = _finished;
            _finished = s_finishedSentinel;
            watchers = _watchers;
            _watchers = null;
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
        if (Volatile.Read(ref _watchers) is null)
        {
            return;
        }

        Action[] watchers;
        lock (Gate)
        {
            if (_watchers is null)
            {
                return;
            }

            watchers = [.. _watchers];
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
        lock (Gate)
        {
            if (ReferenceEquals(_finished, s_finishedSentinel))
            {
                changed();
                return EmptyDisposable.Instance;
            }

            (_watchers ??= []).Add(changed);
        }

        return new Unwatch(this, changed);
    }

    private sealed class Unwatch(JobWorkItem item, Action changed) : IDisposable
    {
        public void Dispose()
        {
            lock (item.Gate)
            {
                item._watchers?.Remove(changed);
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

    /// <summary>Gets a task that completes once the job's terminal status is recorded.</summary>
    public Task WhenFinished()
    {
        lock (Gate)
        {
            if (ReferenceEquals(_finished, s_finishedSentinel))
            {
                return Task.CompletedTask;
            }

            return (_finished ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }

    private static TaskCompletionSource CreateSentinel()
    {
        var tcs = new TaskCompletionSource();
        tcs.SetResult();
        return tcs;
    }
}
