namespace BackgroundTasks;

/// <summary>
/// A loop over a sequence that cannot be indexed. Workers take chunks from one shared enumerator under a
/// lock, copy them to a buffer of their own, and run them outside the lock.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
/// <typeparam name="TItem">The item body; a struct, so the loop is specialised for it.</typeparam>
/// <typeparam name="TLocal">The per-worker state.</typeparam>
internal sealed class EnumerableRun<T, TItem, TLocal> : ParallelRun<TLocal>
    where TItem : struct, IItemBody<T, TLocal>
{
    /// <summary>The largest chunk a growing chunk size reaches.</summary>
    private const int MaxGrowingChunk = 512;

    private readonly Lock _sourceGate = new();
    private readonly IEnumerator<T> _source;
    private readonly int _firstChunk;
    private readonly int _maxChunk;
    private TItem _item;
    private bool _exhausted;

    private EnumerableRun(IEnumerator<T> source, TItem item, int firstChunk, int maxChunk, long? total, PartitionOptions options, Func<TLocal, TLocal, TLocal>? combine)
        : base(options, combine, ProgressTracker.Create(options, total))
    {
        _source = source;
        _item = item;
        _firstChunk = firstChunk;
        _maxChunk = maxChunk;
    }

    /// <summary>Runs <paramref name="item"/> over every element of <paramref name="source"/>.</summary>
    public static TLocal Run(IEnumerable<T> source, TItem item, PartitionOptions options, Func<TLocal, TLocal, TLocal>? combine, Func<TLocal>? whenEmpty)
    {
        options.ThrowIfCancellationRequested();
        long? total = source.TryGetNonEnumeratedCount(out var count) ? count : null;
        if (total == 0)
        {
            ProgressTracker.Create(options, 0)?.Add(0);
            return Empty(whenEmpty);
        }

        var limit = total ?? int.MaxValue;
        var degree = options.EffectiveDegree(limit);
        var min = options.MinChunkSize;
        int first;
        int max;
        switch (options.Chunking)
        {
            case PartitionChunking.Static when total is { } known:
                first = max = Math.Max((int)(((known - 1) / degree) + 1), min);
                break;
            case PartitionChunking.Dynamic when min > 0:
                first = max = min;
                break;
            default:
                // Guided, or no better information: start at the minimum and double up to a cap, so a short
                // sequence still spreads over the workers and a long one is claimed rarely.
                first = Math.Max(1, min);
                max = Math.Max(first, MaxGrowingChunk);
                break;
        }

        if (total is { } bounded)
        {
            max = (int)Math.Min(max, bounded);
            first = Math.Min(first, max);
        }

        var run = new EnumerableRun<T, TItem, TLocal>(source.GetEnumerator(), item, first, max, total, options, combine);
        return run.Run(degree, whenEmpty);
    }

    protected override void Work(ref TLocal local, ref bool hasLocal)
    {
        var progress = Progress;
        T[]? buffer = null;
        var size = _firstChunk;
        while (!ShouldStop)
        {
            buffer ??= new T[_maxChunk];
            var taken = Take(buffer, size);
            if (taken == 0)
            {
                break;
            }

            if (!hasLocal)
            {
                local = _item.Init();
                hasLocal = true;
            }

            for (var i = 0; i < taken; i++)
            {
                local = _item.Invoke(buffer[i], local);
            }

            if (System.Runtime.CompilerServices.RuntimeHelpers.IsReferenceOrContainsReferences<T>())
            {
                Array.Clear(buffer, 0, taken);
            }

            progress?.Add(taken);
            size = Math.Min(size * 2, _maxChunk);
        }
    }

    protected override void OnCompleted()
    {
        lock (_sourceGate)
        {
            _exhausted = true;
        }

        try
        {
            _source.Dispose();
        }
        catch (Exception ex)
        {
            AddError(ex);
        }
    }

    private int Take(T[] buffer, int size)
    {
        lock (_sourceGate)
        {
            if (_exhausted)
            {
                return 0;
            }

            var taken = 0;
            try
            {
                while (taken < size && _source.MoveNext())
                {
                    buffer[taken++] = _source.Current;
                }
            }
            catch
            {
                _exhausted = true;
                throw;
            }

            if (taken < size)
            {
                _exhausted = true;
            }

            return taken;
        }
    }
}
