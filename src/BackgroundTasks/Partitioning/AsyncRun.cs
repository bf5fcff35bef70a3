namespace BackgroundTasks;

/// <summary>
/// An asynchronous loop: up to <c>degree</c> workers take one item at a time (an I/O-bound body is slow
/// per item, so claiming is cheap beside it) and await the body. The first failure cancels the token the
/// bodies receive; all failures are thrown together.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
internal sealed class AsyncRun<T>
{
    private readonly Lock _gate = new();
    private readonly Func<T, CancellationToken, ValueTask> _body;
    private readonly PartitionOptions _options;
    private readonly CancellationTokenSource _stop;
    private readonly ProgressTracker? _progress;
    private readonly long? _total;
    private readonly IReadOnlyList<T>? _list;
    private readonly IEnumerator<T>? _enumerator;
    private readonly IAsyncEnumerator<T>? _asyncEnumerator;
    private readonly SemaphoreSlim? _asyncGate;
    private List<Exception>? _errors;
    private int _next;
    private bool _exhausted;

    private AsyncRun(Func<T, CancellationToken, ValueTask> body, PartitionOptions options, CancellationTokenSource stop, long? total, IReadOnlyList<T>? list, IEnumerator<T>? enumerator, IAsyncEnumerator<T>? asyncEnumerator)
    {
        _body = body;
        _options = options;
        _stop = stop;
        _total = total;
        _progress = ProgressTracker.Create(options, total);
        _list = list;
        _enumerator = enumerator;
        _asyncEnumerator = asyncEnumerator;
        _asyncGate = asyncEnumerator is null ? null : new SemaphoreSlim(1, 1);
    }

    /// <summary>Runs <paramref name="body"/> over a sequence.</summary>
    public static async Task RunAsync(IEnumerable<T> source, Func<T, CancellationToken, ValueTask> body, PartitionOptions options)
    {
        options.ThrowIfCancellationRequested();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken, options.JobToken);
        long? total = source.TryGetNonEnumeratedCount(out var count) ? count : null;
        var list = source as IReadOnlyList<T>;
        var run = new AsyncRun<T>(body, options, stop, total, list, list is null ? source.GetEnumerator() : null, null);
        await run.RunAsync(options.EffectiveDegree(total ?? int.MaxValue)).ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="body"/> over an asynchronous sequence.</summary>
    public static async Task RunAsync(IAsyncEnumerable<T> source, Func<T, CancellationToken, ValueTask> body, PartitionOptions options)
    {
        options.ThrowIfCancellationRequested();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken, options.JobToken);
        var run = new AsyncRun<T>(body, options, stop, null, null, null, source.GetAsyncEnumerator(stop.Token));
        await run.RunAsync(options.EffectiveDegree(int.MaxValue)).ConfigureAwait(false);
    }

    private async Task RunAsync(int degree)
    {
        try
        {
            if (_total == 0)
            {
                _progress?.Add(0);
                return;
            }

            var workers = new Task[degree];
            for (var i = 0; i < workers.Length; i++)
            {
                workers[i] = Task.Run(WorkAsync);
            }

            // Workers catch their own failures, so this never throws.
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        finally
        {
            await DisposeSourceAsync().ConfigureAwait(false);
        }

        if (_errors is { } errors)
        {
            throw new AggregateException(errors);
        }

        _options.ThrowIfCancellationRequested();
    }

    private async Task WorkAsync()
    {
        var token = _stop.Token;
        try
        {
            while (!token.IsCancellationRequested)
            {
                var (found, item) = await TakeAsync().ConfigureAwait(false);
                if (!found)
                {
                    return;
                }

                await _body(item, token).ConfigureAwait(false);
                _progress?.Add(1);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Stopped by a token or by another worker's failure, which is recorded already.
        }
        catch (Exception ex)
        {
            lock (_gate)
            {
                (_errors ??= []).Add(ex);
            }

            await _stop.CancelAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask<(bool Found, T Item)> TakeAsync()
    {
        if (_list is { } list)
        {
            var index = Interlocked.Increment(ref _next) - 1;
            return index < list.Count ? (true, list[index]) : (false, default!);
        }

        if (_enumerator is { } enumerator)
        {
            lock (_gate)
            {
                if (_exhausted || !enumerator.MoveNext())
                {
                    _exhausted = true;
                    return (false, default!);
                }

                return (true, enumerator.Current);
            }
        }

        await _asyncGate!.WaitAsync(_stop.Token).ConfigureAwait(false);
        try
        {
            if (_exhausted || !await _asyncEnumerator!.MoveNextAsync().ConfigureAwait(false))
            {
                _exhausted = true;
                return (false, default!);
            }

            return (true, _asyncEnumerator.Current);
        }
        finally
        {
            _asyncGate.Release();
        }
    }

    private async ValueTask DisposeSourceAsync()
    {
        try
        {
            _enumerator?.Dispose();
            if (_asyncEnumerator is not null)
            {
                await _asyncEnumerator.DisposeAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            (_errors ??= []).Add(ex);
        }
        finally
        {
            _asyncGate?.Dispose();
        }
    }
}
