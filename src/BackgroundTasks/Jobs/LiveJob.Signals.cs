namespace BackgroundTasks;

/// <summary>Who waits for a live job or watches it, and what only some jobs need (a timer).</summary>
internal abstract partial class LiveJob
{
    /// <summary>Completes when the job's terminal status is recorded.</summary>
    public Task WhenFinished()
    {
        lock (this)
        {
            return _signalled ? Task.CompletedTask : (ExtrasLocked().Finished ??= new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }

    /// <summary>Calls <paramref name="onChange"/> after each recorded change of the job, until disposed.</summary>
    public IDisposable Watch(Action onChange)
    {
        lock (this)
        {
            var watchers = ExtrasLocked().Watchers ??= [];
            watchers.Add(onChange);
        }

        return new Subscription(this, onChange);
    }

    /// <summary>Tells the watchers that the job's record changed.</summary>
    public void SignalChanged()
    {
        if (Volatile.Read(ref _extras)?.Watchers is null)
        {
            return;
        }

        Action[] watchers;
        lock (this)
        {
            watchers = [.. _extras!.Watchers!];
        }

        foreach (var watcher in watchers)
        {
            watcher();
        }
    }

    /// <summary>Wakes the waiters and watchers once the terminal status is recorded.</summary>
    public void SignalFinished()
    {
        TaskCompletionSource? finished;
        lock (this)
        {
            _signalled = true;
            finished = _extras?.Finished;
        }

        finished?.TrySetResult();
        SignalChanged();
        ForgetCode();
    }

    private Extras ExtrasLocked() => _extras ??= new Extras();

    /// <summary>A <see cref="JobCancelReason"/> in one byte, so that a live job stays within 88 bytes.</summary>
    private enum JobCancelReasonByte : byte
    {
    }

    /// <summary>What only some jobs need: waiters, watchers, a timer.</summary>
    private sealed class Extras
    {
        public TaskCompletionSource? Finished;
        public List<Action>? Watchers;
        public ITimer? Timer;
    }

    private sealed class Subscription(LiveJob job, Action onChange) : IDisposable
    {
        public void Dispose()
        {
            lock (job)
            {
                job._extras?.Watchers?.Remove(onChange);
            }
        }
    }
}
