using System.Diagnostics;

namespace BackgroundTasks;

/// <summary>
/// One synchronous parallel loop: the calling thread and up to <c>degree - 1</c> thread-pool workers claim
/// chunks until the input runs out, a body fails, or a token fires. The caller never waits for a worker that
/// has not started: it does the work itself, and a worker that starts late finds nothing left.
/// </summary>
/// <typeparam name="TLocal">The per-worker state.</typeparam>
internal abstract class ParallelRun<TLocal>
{
    private readonly object _idleGate = new();
    private readonly Lock _resultGate = new();
    private readonly PartitionOptions _options;
    private readonly Func<TLocal, TLocal, TLocal>? _combine;
    private List<Exception>? _errors;
    private volatile bool _stopped;
    private volatile bool _cancelled;
    private int _pending = 1;
    private bool _idle;
    private TLocal _result = default!;
    private bool _hasResult;

    protected ParallelRun(PartitionOptions options, Func<TLocal, TLocal, TLocal>? combine, ProgressTracker? progress)
    {
        _options = options;
        _combine = combine;
        Progress = progress;
    }

    /// <summary>Gets where finished items are counted, if anywhere.</summary>
    protected ProgressTracker? Progress { get; }

    /// <summary>Gets a value indicating whether workers must claim no more chunks: a body failed or a token fired.</summary>
    protected bool ShouldStop
    {
        get
        {
            if (_stopped)
            {
                return true;
            }

            if (_options.IsCancellationRequested)
            {
                _cancelled = true;
                _stopped = true;
                return true;
            }

            return false;
        }
    }

    /// <summary>Runs the loop on the calling thread and <paramref name="degree"/> - 1 workers, waits, and throws what went wrong.</summary>
    /// <param name="degree">How many threads in all, the caller included.</param>
    /// <param name="whenEmpty">Makes the result when no worker made a state, or <see langword="null"/> for the default value.</param>
    /// <returns>The combined state of the workers.</returns>
    public TLocal Run(int degree, Func<TLocal>? whenEmpty)
    {
        Debug.Assert(degree >= 1);
        for (var i = 1; i < degree; i++)
        {
            // preferLocal: false puts the workers in the global queue, where any idle thread takes them.
            ThreadPool.QueueUserWorkItem(static run => run.ExecuteWorker(), this, preferLocal: false);
        }

        Execute();
        lock (_idleGate)
        {
            while (!_idle)
            {
                Monitor.Wait(_idleGate);
            }
        }

        OnCompleted();
        if (_errors is { } errors)
        {
            throw new AggregateException(errors);
        }

        if (_cancelled)
        {
            _options.ThrowIfCancellationRequested();
        }

        return _hasResult ? _result : Empty(whenEmpty);
    }

    /// <summary>Makes the result of a loop that ran no item.</summary>
    internal static TLocal Empty(Func<TLocal>? whenEmpty) => whenEmpty is null ? default! : whenEmpty();

    /// <summary>Claims and runs chunks until there are none left or <see cref="ShouldStop"/>.</summary>
    /// <param name="local">The worker's state, made on its first chunk.</param>
    /// <param name="hasLocal">Whether <paramref name="local"/> was made.</param>
    protected abstract void Work(ref TLocal local, ref bool hasLocal);

    /// <summary>Runs on the calling thread after every started worker has finished.</summary>
    protected virtual void OnCompleted()
    {
    }

    /// <summary>Records a failure that happened outside a worker's loop.</summary>
    protected void AddError(Exception exception)
    {
        lock (_resultGate)
        {
            (_errors ??= []).Add(exception);
        }

        _stopped = true;
    }

    private void ExecuteWorker()
    {
        Interlocked.Increment(ref _pending);
        Execute();
    }

    private void Execute()
    {
        TLocal local = default!;
        var hasLocal = false;
        try
        {
            Work(ref local, ref hasLocal);
            if (hasLocal && _combine is not null && !_stopped)
            {
                lock (_resultGate)
                {
                    _result = _hasResult ? _combine(_result, local) : local;
                    _hasResult = true;
                }
            }
        }
        catch (OperationCanceledException) when (_options.IsCancellationRequested)
        {
            _cancelled = true;
            _stopped = true;
        }
        catch (Exception ex)
        {
            AddError(ex);
        }
        finally
        {
            if (Interlocked.Decrement(ref _pending) == 0)
            {
                lock (_idleGate)
                {
                    _idle = true;
                    Monitor.PulseAll(_idleGate);
                }
            }
        }
    }
}
